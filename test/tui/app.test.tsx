import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { cleanup, render } from 'ink-testing-library';
import { createActor } from 'xstate';
import { createActivityFeed, type ActivityFeed } from '../../src/actors/activity.js';
import type { CheckResult } from '../../src/checks/types.js';
import type { Lessons, Stage } from '../../src/lessons/types.js';
import { followStageChecks, type LiveRound } from '../../src/live/follow-checks.js';
import { fakeEngine } from '../helpers/fake-engine.js';
import { labMachine } from '../../src/statechart/lab-machine.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordReport } from '../../src/progress/record.js';
import { createProgressRecorder, type ProgressRecorder } from '../../src/progress/recorder.js';
import { createProgressStore, emptyProgress } from '../../src/progress/store.js';
import { fakeLabActors, memoryRecorder } from '../helpers/progress.js';
import { App } from '../../src/tui/App.js';
import { keys, press, trackFixture, waitFor, waitForFrame } from './helpers.js';

const lessons: Lessons = { dir: 'lessons', stages: trackFixture() };

const results: CheckResult[] = [
  { kind: 'container-running', title: 'simple-server-test is running', status: 'pass', summary: 'up 2 s', durationMs: 3 },
  {
    kind: 'container-log',
    title: 'It serves on 8080',
    status: 'fail',
    summary: 'no log line matches /serving on 8080/',
    hint: 'Run `docker logs simple-server-test` to see why it did not start.',
    durationMs: 5,
  },
];

type StepOutcome = { exitCode: number; durationMs: number; cancelled: boolean };

/** The real actors over a lifecycle that records as the real one does and talks to the feed, without Docker. */
function fakeActors(feed: ActivityFeed, recorder: ProgressRecorder, runStep: (signal: AbortSignal) => Promise<StepOutcome>) {
  const command = (text: string, output: string, outcome: StepOutcome) => {
    feed.emit({ type: 'command.started', command: text });
    feed.emit({ type: 'command.output', text: output });
    feed.emit({ type: 'command.exited', command: text, ...outcome });
  };
  return fakeLabActors(lessons, recorder, {
    open: async () => command('docker network create simple-network', '3f2a9c0d\n', { exitCode: 0, durationMs: 40, cancelled: false }),
    runStep: async ({ stageId, index }, signal) => {
      const step = lessons.stages.find((s) => s.id === stageId)!.steps[index]!;
      feed.emit({ type: 'command.started', command: step.command });
      feed.emit({ type: 'command.output', text: 'Step 1/4 : FROM dockerlab/base\nSuccessfully built 5d1e\n' });
      const outcome = await runStep(signal);
      feed.emit({ type: 'command.exited', command: step.command, ...outcome });
      return outcome;
    },
    check: async (stageId) => {
      results.forEach((result, index) => feed.emit({ type: 'check.finished', index, result }));
      return { stageId, passed: false, results, finishedAt: '2026-01-02T00:00:00Z' };
    },
  });
}

function startApp(runStep: (signal: AbortSignal) => Promise<StepOutcome> = async () => ({ exitCode: 0, durationMs: 1200, cancelled: false })) {
  const feed = createActivityFeed();
  const { recorder, store } = memoryRecorder();
  const machine = labMachine.provide({ actors: fakeActors(feed, recorder, runStep) });
  const stages = lessons.stages.map(({ id, requires, steps }) => ({ id, requires, steps }));
  const actor = createActor(machine, { input: { stages, progress: emptyProgress() } });
  const onQuit = jest.fn<() => void>();
  const view = render(<App lessons={lessons} actor={actor} feed={feed} color={false} onQuit={onQuit} />);
  return { ...view, actor, saved: store.saved, onQuit };
}

afterEach(cleanup);

describe('the app', () => {
  it('opens a stage, runs a step, checks it, and saves the progress', async () => {
    const { stdin, lastFrame, saved, actor } = startApp();
    await waitForFrame(lastFrame, '0/3 passed');

    await press(stdin, keys.enter);
    await waitForFrame(lastFrame, 'The stage is set up.');
    expect(lastFrame()).toContain('│ $ docker network create simple-network');

    await press(stdin, keys.enter);
    const ran = await waitForFrame(lastFrame, '✔ Step 1 build: exit 0 in 1.2 s');
    expect(ran).toContain('│ Successfully built 5d1e');

    await press(stdin, 'c');
    const checked = await waitForFrame(lastFrame, '1 of 2 checks failed');
    expect(checked).toContain('✔ simple-server-test is running: up 2 s');
    expect(checked).toContain('✖ It serves on 8080: no log line matches /serving on 8080/');
    expect(checked).toContain('Run `docker logs simple-server-test` to see why it did not start.');
    expect(checked.split('\n')[0]).toMatch(/✖ failed$/);

    expect(saved.at(-1)).toEqual(actor.getSnapshot().context.progress);
    expect(saved.at(-1)?.stages['single-host']).toMatchObject({ status: 'failed', attempts: 1 });
    expect(saved[0]?.stages['single-host']?.status).toBe('started');
  });

  it('follows progress another lab process writes: a pass recorded by `lab check` in another terminal shows within a second', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-tui-state-'));
    const store = createProgressStore(dir);
    const feed = createActivityFeed();
    const machine = labMachine.provide({ actors: fakeActors(feed, createProgressRecorder(store), async () => ({ exitCode: 0, durationMs: 1, cancelled: false })) });
    const stages = lessons.stages.map(({ id, requires, steps }) => ({ id, requires, steps }));
    const actor = createActor(machine, { input: { stages, progress: store.load().progress } });
    const { lastFrame } = render(<App lessons={lessons} actor={actor} feed={feed} color={false} />);
    await waitForFrame(lastFrame, '0/3 passed');
    // Another process: its own store on the same folder, as \`lab check single-host\` would write it.
    const started = Date.now();
    createProgressStore(dir).update((progress) => recordReport(progress, { stageId: 'single-host', passed: true, finishedAt: '2026-12-02T00:00:00Z', results }));
    await waitForFrame(lastFrame, '1/3 passed');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(actor.getSnapshot().context.progress.stages['single-host']?.status).toBe('passed');
  });

  it('live checks: a fake engine event turns a check green and records the stage, with no key pressed', async () => {
    const engine = fakeEngine();
    const single = { ...lessons.stages[0]!, checks: lessons.stages[0]!.checks.slice(0, 1) };
    const liveLessons: Lessons = { dir: 'lessons', stages: [single, ...lessons.stages.slice(1)] };
    const feed = createActivityFeed();
    const { recorder, store } = memoryRecorder();
    const machine = labMachine.provide({ actors: fakeActors(feed, recorder, async () => ({ exitCode: 0, durationMs: 1, cancelled: false })) });
    const stages = liveLessons.stages.map(({ id, requires, steps }) => ({ id, requires, steps }));
    const actor = createActor(machine, { input: { stages, progress: emptyProgress(), open: 'single-host' } });
    const live = (stage: Stage, onRound: (round: LiveRound) => void) => followStageChecks(stage, engine, onRound, { debounceMs: 20, pollMs: 60_000 });
    const { lastFrame } = render(<App lessons={liveLessons} actor={actor} feed={feed} color={false} live={live} />);
    await waitForFrame(lastFrame, '✖ simple-server-test is running: There is no container named simple-server-test');
    expect(lastFrame()).toMatch(/● Live: re-checked at \d\d:\d\d:\d\d as the engine changes\./);
    await engine.streamOpened;
    engine.start('simple-server-test');
    engine.emit('simple-server-test');
    await waitForFrame(lastFrame, '✔ simple-server-test is running');
    await waitForFrame(lastFrame, 'Stage passed.');
    expect(actor.getSnapshot().context.progress.stages['single-host']?.status).toBe('passed');
    expect(store.load().progress.stages['single-host']?.status).toBe('passed');
  });

  it('saves progress only when it changes', async () => {
    const { stdin, lastFrame, saved } = startApp();
    await waitForFrame(lastFrame, '0/3 passed');
    expect(saved).toHaveLength(0);
    await press(stdin, keys.enter);
    await waitForFrame(lastFrame, 'The stage is set up.');
    await press(stdin, keys.enter);
    await waitForFrame(lastFrame, 'exit 0 in 1.2 s');
    expect(saved).toHaveLength(1);
  });

  it('goes back to the list with the stage just left selected', async () => {
    const { stdin, lastFrame } = startApp();
    await waitForFrame(lastFrame, '0/3 passed');
    await press(stdin, keys.enter);
    await waitForFrame(lastFrame, 'The stage is set up.');
    await press(stdin, keys.escape);
    const list = await waitForFrame(lastFrame, 'dockerlab');
    expect(list).toMatch(/› ●\s+01 Build, ship and run one service/);
  });

  it('stops a running step on Ctrl-C, and quits on a second Ctrl-C within a second', async () => {
    const untilStopped = (signal: AbortSignal) =>
      new Promise<StepOutcome>((resolve) => signal.addEventListener('abort', () => resolve({ exitCode: 130, durationMs: 10, cancelled: true })));
    const { stdin, lastFrame, onQuit } = startApp(untilStopped);
    await waitForFrame(lastFrame, '0/3 passed');
    await press(stdin, keys.enter);
    await waitForFrame(lastFrame, 'The stage is set up.');
    await press(stdin, keys.enter);
    await waitForFrame(lastFrame, 'Running step 1 build');

    await press(stdin, keys.ctrlC);
    await waitForFrame(lastFrame, '■ Step 1 build: stopped');
    expect(lastFrame()).toContain('Press Ctrl-C again within a second to quit');
    expect(onQuit).not.toHaveBeenCalled();

    await press(stdin, keys.ctrlC);
    await waitFor(() => onQuit.mock.calls.length === 1, 'the app to quit');
  });

  it('quits on q from the stage list', async () => {
    const { stdin, lastFrame, onQuit } = startApp();
    await waitForFrame(lastFrame, '0/3 passed');
    await press(stdin, 'q');
    await waitFor(() => onQuit.mock.calls.length === 1, 'the app to quit');
  });
});
