import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { showPredictions } from '../../src/lessons/predictions.js';

// The bundle gives the markdown highlighter a few languages, not highlight.js's 190
// (scripts/highlight-languages.cjs): every language a lesson's code block names must be one of them.
type Highlighter = { getLanguage(name: string): unknown; highlight(code: string, options: { language: string }): { value: string }; listLanguages(): string[] };
const hljs = createRequire(import.meta.url)('../../scripts/highlight-languages.cjs') as Highlighter;

const lessonFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? lessonFiles(join(dir, entry.name)) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : [],
  );

describe("the bundle's highlighter", () => {
  it('knows every language a lesson names', () => {
    // As the learner sees them: a prediction's block is shown as a quote, never as code.
    const shown = (file: string) => showPredictions(readFileSync(file, 'utf8'), new Set());
    const named = new Set(lessonFiles(join(process.cwd(), 'lessons')).flatMap((file) => [...shown(file).matchAll(/^\s*```([\w-]+)/gm)].map((match) => match[1]!)));
    expect(named.size).toBeGreaterThan(0);
    const unknown = [...named].filter((language) => !hljs.getLanguage(language));
    expect(unknown).toEqual([]);
  });

  it('highlights a shell line, and holds a handful of languages, not all of them', () => {
    expect(hljs.highlight('echo "$HOME" | grep -c root', { language: 'sh' }).value).toContain('hljs-');
    expect(hljs.listLanguages().length).toBeLessThan(20);
  });
});
