import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { followProgress } from '../../src/progress/follow.js';
import { recordReport, recordStarted } from '../../src/progress/record.js';
import { createProgressRecorder } from '../../src/progress/recorder.js';
import { createProgressStore, type Progress } from '../../src/progress/store.js';

const run = promisify(execFile);
const freshDir = () => mkdtempSync(join(tmpdir(), 'lab-state-'));
const STORE = resolve('dist/progress/store.js');
const RECORDER = resolve('dist/progress/recorder.js');

/** A separate node process that records `count` quiz answers, question ids `w<writer>-<n>`, one update each. */
const writer = (dir: string, id: number, count: number) =>
  run(process.execPath, [
    '--input-type=module',
    '-e',
    `const { createProgressStore } = await import(${JSON.stringify(STORE)});
     const { createProgressRecorder } = await import(${JSON.stringify(RECORDER)});
     const recorder = createProgressRecorder(createProgressStore(${JSON.stringify(dir)}));
     for (let n = 0; n < ${count}; n++) recorder.answered('concepts', [{ questionId: 'w${id}-' + n, choice: 0 }]);`,
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

describe('the recorder and its followers (what the interface writes and hears)', () => {
  const passed = (stageId: string) => ({ stageId, passed: true, results: [], finishedAt: '2026-12-02T00:00:00Z' });

  it("records one stage's change over the file as it is, keeping another process's update of another stage", () => {
    const dir = freshDir();
    const mine = createProgressRecorder(createProgressStore(dir));
    mine.started('single-host');
    // Meanwhile `lab check horizontal-scale` in another terminal recorded a pass.
    createProgressStore(dir).update((progress) => recordReport(progress, passed('horizontal-scale')));
    mine.answered('single-host', [{ questionId: 'q', choice: 1 }]);
    const { progress } = createProgressStore(dir).load();
    expect(progress.stages['horizontal-scale']?.status).toBe('passed');
    expect(progress.stages['single-host']?.quiz?.q?.choice).toBe(1);
    expect(progress.current).toBe('single-host');
  });

  it('records a live pass once: a stage that has passed is not recorded again', () => {
    const recorder = createProgressRecorder(createProgressStore(freshDir()));
    recorder.passedLive(passed('single-host'));
    recorder.passedLive(passed('single-host'));
    expect(recorder.read().stages['single-host']?.attempts).toBe(1);
  });

  it("hears this process's writes at once, and another process's within the poll", async () => {
    const dir = freshDir();
    const recorder = createProgressRecorder(createProgressStore(dir));
    const heard: Progress[] = [];
    const stop = followProgress(recorder, (progress) => heard.push(progress), { intervalMs: 20 });
    try {
      recorder.started('single-host');
      expect(heard.at(-1)?.stages['single-host']?.status).toBe('started');
      createProgressStore(dir).update((progress) => recordReport(progress, passed('single-host')));
      const deadline = Date.now() + 2_000;
      while (heard.at(-1)?.stages['single-host']?.status !== 'passed' && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 10));
      expect(heard.at(-1)?.stages['single-host']?.status).toBe('passed');
    } finally {
      stop();
    }
  });
});
