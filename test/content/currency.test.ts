import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { staleMentions, type RetiredTerm } from '../../src/lessons/currency.js';
import { packageRoot } from '../../src/runtime/paths.js';

// A lesson may name a retired tool or an unsupported version only with its status said in the same
// file: the terms and their statuses are kept in lessons/retired-terms.yaml.
const terms = parse(readFileSync(join(packageRoot, 'lessons', 'retired-terms.yaml'), 'utf8')) as RetiredTerm[];
const markdown = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? markdown(join(dir, entry.name)) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : []));
const files = [...markdown(join(packageRoot, 'lessons')), join(packageRoot, 'README.md')];

describe('currency', () => {
  it('keeps a list of terms, each with the status to say', () => {
    expect(terms.length).toBeGreaterThanOrEqual(4);
    for (const term of terms) expect(term).toEqual({ term: expect.any(String), status: expect.any(String), says: expect.any(String) });
  });

  it.each(files.map((file) => [relative(packageRoot, file), file]))('%s names no retired tool as current', (_name, file) => {
    expect(staleMentions(readFileSync(file, 'utf8'), terms)).toEqual([]);
  });

  it('rejects a lesson that states a retired tool as current, naming the term, its status and the line', () => {
    const lesson = '# Orchestration\n\nFor a large cluster, run **Apache Mesos** with Marathon.\n';
    expect(staleMentions(lesson, terms)).toEqual([
      { term: 'Mesos', status: 'Apache Mesos was retired to the Apache Attic in 2025', line: 3 },
      { term: 'Marathon', status: "Mesosphere's Marathon and Chronos are no longer developed", line: 3 },
    ]);
    expect(staleMentions(`${lesson}\nMesos was retired to the Apache Attic in 2025; Marathon is no longer developed.\n`, terms)).toEqual([]);
  });
});
