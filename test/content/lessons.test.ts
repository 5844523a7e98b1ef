import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadLessons } from '../../src/lessons/load.js';
import { packageRoot } from '../../src/runtime/paths.js';

/** The course is data, and the data has a linter: every real lesson, every time. */
const lessons = loadLessons(join(packageRoot, 'lessons'));
const everyCommand = (stage: (typeof lessons.stages)[number]) => [...stage.setup, ...stage.solve, ...stage.cleanup, ...stage.steps.map((s) => s.command)];

describe.each(lessons.stages.map((stage) => [stage.id, stage] as const))('lesson %s', (_id, stage) => {
  it('has a folder named after its id', () => {
    expect(stage.dir).toMatch(new RegExp(`\\d+-${stage.id}$`));
  });

  it('teaches with runnable steps and has a solution', () => {
    expect(stage.steps.length).toBeGreaterThan(0);
    expect(stage.solve.length).toBeGreaterThan(0);
    expect(new Set(stage.steps.map((s) => s.name)).size).toBe(stage.steps.length);
  });

  it('names only files that exist', () => {
    const paths = everyCommand(stage).flatMap((command) => [...command.matchAll(/(?:^|\s)((?:dockerfiles|example-service|haproxy|consul)\/[\w./-]+)/g)].map((m) => m[1]!));
    for (const path of paths) expect([path, existsSync(join(packageRoot, path))]).toEqual([path, true]);
  });

  it('removes containers, networks and volumes only through a label filter', () => {
    for (const command of everyCommand(stage)) {
      for (const piped of command.split(/\n/)) {
        if (/docker (rm|volume rm|network rm)\b/.test(piped) && !/xargs/.test(piped)) {
          // A step may remove the container it just told the learner to start by name; setup, solve and cleanup may not.
          expect([...stage.setup, ...stage.solve, ...stage.cleanup]).not.toContain(piped);
        }
        if (/xargs -r docker (rm|volume rm|network rm)/.test(piped)) expect(piped).toContain('--filter label=dev.dockerlab.');
      }
    }
  });

  it('publishes only on 127.0.0.1 and declares the ports it publishes', () => {
    for (const command of everyCommand(stage)) {
      for (const match of command.matchAll(/\s-p (\S*:\S+)/g)) {
        const [host, port] = match[1]!.split(':');
        expect(host).toBe('127.0.0.1');
        expect(stage.ports).toContain(Number(port));
      }
    }
  });

  it('gives every check a title that reads as a claim', () => {
    for (const check of stage.checks) expect(check.title.length).toBeGreaterThan(10);
  });
});
