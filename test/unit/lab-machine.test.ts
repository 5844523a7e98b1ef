import { describe, expect, it } from '@jest/globals';
import { createActor, fromPromise, waitFor, type Actor } from 'xstate';
import type { StageReport } from '../../src/checks/types.js';
import type { Lessons, Stage } from '../../src/lessons/types.js';
import { labMachine, type StageNode } from '../../src/statechart/lab-machine.js';
import { activityOf, overallProgress, stageStatus } from '../../src/statechart/selectors.js';
import { emptyProgress, type Progress } from '../../src/progress/store.js';
import { createProgressRecorder } from '../../src/progress/recorder.js';
import { fakeLabActors, memoryRecorder, memoryStore } from '../helpers/progress.js';

const fail = (message: string): never => {
  throw new Error(message);
};

const stages: StageNode[] = [
  { id: 'single-host', requires: [], steps: [{ name: 'build', command: 'docker build .' }] },
  { id: 'horizontal-scale', requires: ['single-host'], steps: [] },
];

const report = (stageId: string, passed: boolean): StageReport => ({ stageId, passed, results: [], finishedAt: 'now' });

/** The machine's stages as lessons: the actors find a stage's steps by its id. */
const asLessons = (nodes: StageNode[]): Lessons => ({ dir: 'lessons', stages: nodes as unknown as Stage[] });

/** The machine with the real actors over a lifecycle that records into memory as the real one does. */
function start(progress: Progress = emptyProgress(), verdict = true, calls: string[] = [], nodes = stages) {
  const { recorder, store } = memoryRecorder(progress);
  const machine = labMachine.provide({
    actors: fakeLabActors(asLessons(nodes), recorder, {
      open: async (stageId) => void calls.push(`prepare ${stageId}`),
      runStep: async ({ index }) => {
        calls.push(`step ${index}`);
        return { exitCode: 0, durationMs: 5, cancelled: false };
      },
      check: async (stageId) => report(stageId, verdict),
      solve: async (stageId) => void calls.push(`solve ${stageId}`),
      reset: async (stageId) => void calls.push(`reset ${stageId}`),
    }),
  });
  const actor = createActor(machine, { input: { stages: nodes, progress } }).start();
  return Object.assign(actor, { store, recorder });
}

describe('the lab machine', () => {
  it('opens on the stage list with only the first stage unlocked', () => {
    const actor = start();
    const { context } = actor.getSnapshot();
    expect(activityOf(actor.getSnapshot())).toBe('browsing');
    expect(stageStatus(context, 'single-host')).toBe('available');
    expect(stageStatus(context, 'horizontal-scale')).toBe('locked');
  });

  it('refuses to open a locked stage', () => {
    const actor = start();
    actor.send({ type: 'user.open', stageId: 'horizontal-scale' });
    expect(actor.getSnapshot().matches('browsing')).toBe(true);
  });

  it('prepares a stage when it opens, then waits for the learner', async () => {
    const calls: string[] = [];
    const actor = start(emptyProgress(), true, calls);
    actor.send({ type: 'user.open', stageId: 'single-host' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }));
    expect(calls).toEqual(['prepare single-host']);
    expect(stageStatus(actor.getSnapshot().context, 'single-host')).toBe('in-progress');
  });

  it('runs a step and records how it ended', async () => {
    const actor = start();
    actor.send({ type: 'user.open', stageId: 'single-host' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }));
    actor.send({ type: 'user.runStep', index: 0 });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }) && s.context.lastStep?.exitCode !== undefined);
    expect(actor.getSnapshot().context.lastStep).toEqual({ index: 0, exitCode: 0, durationMs: 5, cancelled: false });
  });

  it('remembers the steps that ran to their end, for the predictions they reveal, until the stage is reset', async () => {
    const actor = start();
    actor.send({ type: 'user.open', stageId: 'single-host' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }));
    expect(actor.getSnapshot().context.stepsRun?.['single-host'] ?? []).toEqual([]);
    actor.send({ type: 'user.runStep', index: 0 });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }) && s.context.lastStep?.exitCode !== undefined);
    expect(actor.getSnapshot().context.stepsRun).toEqual({ 'single-host': [0] });
    actor.send({ type: 'user.reset' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }) && s.context.lastStep === undefined);
    expect(actor.getSnapshot().context.stepsRun).toEqual({ 'single-host': [] });
  });

  it('does not count a step that failed as run', async () => {
    const machine = labMachine.provide({
      actors: {
        prepareStage: fromPromise<void, { stageId: string }>(async () => undefined),
        runStep: fromPromise(async () => ({ exitCode: 1, durationMs: 1, cancelled: false as boolean })),
      },
    });
    const actor = createActor(machine, { input: { stages, progress: emptyProgress() } }).start();
    actor.send({ type: 'user.open', stageId: 'single-host' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }));
    actor.send({ type: 'user.runStep', index: 0 });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }) && s.context.lastStep?.exitCode === 1);
    expect(actor.getSnapshot().context.stepsRun?.['single-host'] ?? []).toEqual([]);
  });

  it('ignores a step that does not exist', async () => {
    const actor = start();
    actor.send({ type: 'user.open', stageId: 'single-host' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }));
    actor.send({ type: 'user.runStep', index: 7 });
    expect(actor.getSnapshot().matches({ stage: 'reading' })).toBe(true);
  });

  it('unlocks the next stage when the checks pass', async () => {
    const actor = start();
    actor.send({ type: 'user.open', stageId: 'single-host' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }));
    actor.send({ type: 'user.check' });
    await waitFor(actor, (s) => s.context.lastReport !== undefined);
    const { context } = actor.getSnapshot();
    expect(stageStatus(context, 'single-host')).toBe('passed');
    expect(stageStatus(context, 'horizontal-scale')).toBe('available');
    expect(overallProgress(context)).toBe(0.5);
  });

  it('marks the stage failed when a check fails', async () => {
    const actor = start(emptyProgress(), false);
    actor.send({ type: 'user.open', stageId: 'single-host' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }));
    actor.send({ type: 'user.check' });
    await waitFor(actor, (s) => s.context.lastReport !== undefined);
    expect(stageStatus(actor.getSnapshot().context, 'single-host')).toBe('failed');
  });

  it('solves, then checks', async () => {
    const calls: string[] = [];
    const actor = start(emptyProgress(), true, calls);
    actor.send({ type: 'user.open', stageId: 'single-host' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }));
    actor.send({ type: 'user.solve' });
    await waitFor(actor, (s) => s.context.lastReport !== undefined);
    expect(calls).toContain('solve single-host');
    expect(actor.getSnapshot().context.progress.stages['single-host']?.status).toBe('passed');
  });

  it('resets one stage and prepares it again', async () => {
    const calls: string[] = [];
    const passed: Progress = { version: 1, stages: { 'single-host': { status: 'passed', updatedAt: 'x', attempts: 1 } } };
    const actor = start(passed, true, calls);
    actor.send({ type: 'user.open', stageId: 'single-host' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }));
    actor.send({ type: 'user.reset' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }) && calls.length === 3);
    expect(calls).toEqual(['prepare single-host', 'reset single-host', 'prepare single-host']);
    expect(actor.getSnapshot().context.progress.stages['single-host']?.status).toBe('started');
  });

  it('opens straight into a stage when asked to', async () => {
    const { recorder } = memoryRecorder();
    const machine = labMachine.provide({ actors: fakeLabActors(asLessons(stages), recorder) });
    const actor = createActor(machine, { input: { stages, progress: emptyProgress(), open: 'single-host' } }).start();
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }));
    expect(actor.getSnapshot().context.current).toBe('single-host');
  });

  it('stops a running step when asked, cancelling its actor', async () => {
    let aborted = false;
    const machine = labMachine.provide({
      actors: {
        prepareStage: fromPromise<void, { stageId: string }>(async () => undefined),
        runStep: fromPromise(({ signal }) => new Promise((resolve) => signal.addEventListener('abort', () => { aborted = true; resolve({ exitCode: 130, durationMs: 1, cancelled: true }); }))),
      },
    });
    const actor = createActor(machine, { input: { stages, progress: emptyProgress() } }).start();
    actor.send({ type: 'user.open', stageId: 'single-host' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }));
    actor.send({ type: 'user.runStep', index: 0 });
    expect(activityOf(actor.getSnapshot())).toBe('runningStep');
    actor.send({ type: 'user.stop' });
    expect(actor.getSnapshot().context.lastStep).toEqual({ index: 0, cancelled: true });
    expect(aborted).toBe(true);
  });

  it('counts a long step stopped by the learner as run (a server in the foreground ends that way), and a short one not', async () => {
    const longStages: StageNode[] = [{ id: 'single-host', requires: [], steps: [{ name: 'serve', command: 'python3 -m http.server', long: true }, { name: 'build', command: 'docker build .' }] }];
    const machine = labMachine.provide({
      actors: {
        prepareStage: fromPromise<void, { stageId: string }>(async () => undefined),
        runStep: fromPromise(({ signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ exitCode: 130, durationMs: 1, cancelled: true })))),
      },
    });
    const actor = createActor(machine, { input: { stages: longStages, progress: emptyProgress() } }).start();
    actor.send({ type: 'user.open', stageId: 'single-host' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }));
    actor.send({ type: 'user.runStep', index: 1 });
    actor.send({ type: 'user.stop' });
    expect(actor.getSnapshot().context.stepsRun?.['single-host'] ?? []).toEqual([]);
    actor.send({ type: 'user.runStep', index: 0 });
    actor.send({ type: 'user.stop' });
    expect(actor.getSnapshot().context.stepsRun).toEqual({ 'single-host': [0] });
  });
});

describe('quiz answers in the machine', () => {
  const open = async (actor: Actor<typeof labMachine>) => {
    actor.send({ type: 'user.open', stageId: 'single-host' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }));
  };

  it('records an answer in progress, counting the tries, and keeps it through a check', async () => {
    const actor = start();
    await open(actor);
    actor.send({ type: 'user.answer', questionId: 'who-offers', choice: 0 });
    actor.send({ type: 'user.answer', questionId: 'who-offers', choice: 2 });
    expect(actor.getSnapshot().context.progress.stages['single-host']?.quiz?.['who-offers']).toMatchObject({ choice: 2, tries: 2 });
    expect(actor.store.load().progress.stages['single-host']?.quiz?.['who-offers']).toMatchObject({ choice: 2, tries: 2 });
    actor.send({ type: 'user.check' });
    await waitFor(actor, (s) => s.context.lastReport !== undefined);
    expect(actor.getSnapshot().context.progress.stages['single-host']).toMatchObject({ status: 'passed', quiz: { 'who-offers': { choice: 2, tries: 2 } } });
  });

  it('holds only progress as saved: what the file refused is not shown as recorded, the learner is told why, and the stage goes on', async () => {
    const memory = memoryStore();
    let full = false;
    const store = { ...memory, path: '/full/progress.json', update: (change: (p: Progress) => Progress) => (full ? fail('ENOSPC: no space left on device') : memory.update(change)) };
    const machine = labMachine.provide({ actors: fakeLabActors(asLessons(stages), createProgressRecorder(store)) });
    const actor = createActor(machine, { input: { stages, progress: emptyProgress() } }).start();
    await open(actor);
    full = true;
    actor.send({ type: 'user.answer', questionId: 'who-offers', choice: 0 });
    const { context } = actor.getSnapshot();
    expect(context.progress.stages['single-host']?.status).toBe('started');
    expect(context.progress.stages['single-host']?.quiz).toBeUndefined();
    expect(context.progressProblem).toBe('Your progress could not be saved to /full/progress.json: ENOSPC: no space left on device');
    // The stage goes on: a check still shows its report, though it cannot be recorded.
    actor.send({ type: 'user.check' });
    await waitFor(actor, (s) => s.matches({ stage: 'reading' }) && s.context.lastReport !== undefined);
    expect(actor.getSnapshot().context.problem).toBeUndefined();
    expect(actor.getSnapshot().context.progress.stages['single-host']?.status).toBe('started');
  });

  it('shows the answers a solution saved in its own process once the check after it is recorded', async () => {
    const saved = { 'who-offers': { choice: 1, tries: 1, answeredAt: 't' } };
    const calls: string[] = [];
    const actor = start(emptyProgress(), true, calls);
    await open(actor);
    // The solution's `lab quiz --answer` is another process: it writes the file, not this machine.
    actor.store.update((progress) => ({ ...progress, stages: { ...progress.stages, 'single-host': { ...progress.stages['single-host']!, quiz: saved } } }));
    actor.send({ type: 'user.solve' });
    await waitFor(actor, (s) => s.context.lastReport !== undefined);
    expect(actor.getSnapshot().context.progress.stages['single-host']?.quiz).toEqual(saved);
  });
});

describe('the real track', () => {
  it('can reach and pass every stage in graph order', async () => {
    const { loadLessons } = await import('../../src/lessons/load.js');
    const { packageRoot } = await import('../../src/runtime/paths.js');
    const track = loadLessons(`${packageRoot}/lessons`).stages.map(({ id, requires, steps }) => ({ id, requires, steps }));
    const actor = start(emptyProgress(), true, [], track);
    for (const stage of track) {
      actor.send({ type: 'user.open', stageId: stage.id });
      await waitFor(actor, (s) => s.matches({ stage: 'reading' }) && s.context.current === stage.id);
      actor.send({ type: 'user.check' });
      await waitFor(actor, (s) => s.context.progress.stages[stage.id]?.status === 'passed');
      actor.send({ type: 'user.back' });
    }
    expect(overallProgress(actor.getSnapshot().context)).toBe(1);
  });
});
