import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { recordAnswer, recordStarted } from '../../src/progress/record.js';
import { createProgressStore, emptyProgress } from '../../src/progress/store.js';
import { changesBetween } from '../../src/progress/sync.js';

const run = promisify(execFile);
const freshDir = () => mkdtempSync(join(tmpdir(), 'lab-state-'));
const STORE = resolve('dist/progress/store.js');
const RECORD = resolve('dist/progress/record.js');

/** A separate node process that records `count` quiz answers, question ids `w<writer>-<n>`, one update each. */
const writer = (dir: string, id: number, count: number) =>
  run(process.execPath, [
    '--input-type=module',
    '-e',
    `const { createProgressStore } = await import(${JSON.stringify(STORE)});
     const { recordAnswer } = await import(${JSON.stringify(RECORD)});
     const store = createProgressStore(${JSON.stringify(dir)});
     for (let n = 0; n < ${count}; n++) store.update((p) => recordAnswer(p, 'concepts', 'w${id}-' + n, 0, 't'));`,
  ]);

describe('progress written by several lab processes at once', () => {
  it('loses no update: 4 processes writing 25 answers each leave all 100 in the file', async () => {
    if (!existsSync(STORE)) throw new Error('Run `npm run build` first: the writers are separate node processes running dist/.');
    const dir = freshDir();
    await Promise.all([0, 1, 2, 3].map((id) => writer(dir, id, 25)));
    const quiz = createProgressStore(dir).load().progress.stages.concepts?.quiz ?? {};
    expect(Object.keys(quiz).length).toBe(100);
    expect(existsSync(join(dir, 'progress.json.lock'))).toBe(false);
  }, 60_000);

  it('takes over a lock left by a process that is gone', () => {
    const dir = freshDir();
    // A pid no process has: far above Linux's pid_max.
    writeFileSync(join(dir, 'progress.json.lock'), '99999999');
    const written = createProgressStore(dir).update((p) => recordStarted(p, 'single-host', 't'));
    expect(written.stages['single-host']?.status).toBe('started');
  });
});

describe('changesBetween (what the interface writes)', () => {
  it("writes only the stages it changed, keeping another process's update of another stage", () => {
    const before = recordStarted(emptyProgress(), 'single-host', 't0');
    const mine = recordAnswer(before, 'single-host', 'q', 1, 't1');
    // Meanwhile `lab check horizontal-scale` in another terminal recorded a pass.
    const fresh = { ...before, stages: { ...before.stages, 'horizontal-scale': { status: 'passed' as const, updatedAt: 't2', attempts: 1 } } };
    const merged = changesBetween(before, mine)(fresh);
    expect(merged.stages['horizontal-scale']?.status).toBe('passed');
    expect(merged.stages['single-host']?.quiz?.q?.choice).toBe(1);
    expect(merged.current).toBe('single-host');
  });

  it('removes a stage it forgot (a reset), and leaves the current stage alone when it did not move', () => {
    const before = recordStarted(recordStarted(emptyProgress(), 'single-host', 't0'), 'horizontal-scale', 't0');
    const { 'horizontal-scale': _gone, ...rest } = before.stages;
    const after = { ...before, stages: rest };
    const fresh = { ...before, current: 'load-balancing' };
    const merged = changesBetween(before, after)(fresh);
    expect(Object.keys(merged.stages)).toEqual(['single-host']);
    expect(merged.current).toBe('load-balancing');
  });
});
