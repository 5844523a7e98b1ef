import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { render as inkRender, type Instance } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { createActor, fromPromise } from 'xstate';
import { createActivityFeed } from '../../src/actors/activity.js';
import type { StageReport } from '../../src/checks/types.js';
import type { Lessons } from '../../src/lessons/types.js';
import { labMachine } from '../../src/machine/lab-machine.js';
import { emptyProgress, type ProgressStore } from '../../src/progress/store.js';
import type { Topology } from '../../src/runtime/topology.js';
import { App } from '../../src/tui/App.js';
import { TopologyPanel } from '../../src/tui/components/TopologyPanel.js';
import { textWidth } from '../../src/tui/layout.js';
import { StageView } from '../../src/tui/screens/StageView.js';
import { createTheme } from '../../src/tui/theme.js';
import type { StageViewModel } from '../../src/tui/view-model.js';
import { keys, press, trackFixture, waitFor, waitForFrame } from './helpers.js';

const theme = createTheme(false);
const stages = trackFixture();

const servers = (count: number, stopped: number[] = []): Topology['servers'] =>
  Array.from({ length: count }, (_, i) => {
    const running = !stopped.includes(i + 1);
    return { name: `server_${i + 1}`, state: running ? 'running' : 'exited', running };
  });

const lb = (index: number, lastBackends: string[], running = true): Topology['lbs'][number] => ({
  name: `simple_haproxy_${index}`,
  state: running ? 'running' : 'exited',
  running,
  ...(running ? { port: 8181 + 101 * (index - 1) } : {}),
  lastBackends,
});

const scaled: Topology = {
  servers: servers(10, [7]),
  lbs: [lb(1, ['server_1', 'server_2', 'server_3', 'server_4', 'server_5', 'server_6']), lb(2, [], false)],
  registry: { running: true },
  updatedAt: 0,
};

/** Renders with a terminal of the given size, as ink-testing-library does at 100 columns. */
function renderAt(node: ReactElement, columns: number, rows: number) {
  const stdout = Object.assign(new EventEmitter(), { columns, rows, frame: '', write(frame: string) { stdout.frame = frame; } });
  const stdin = Object.assign(new EventEmitter(), { isTTY: true, setEncoding() {}, setRawMode() {}, resume() {}, pause() {}, ref() {}, unref() {}, read: () => null });
  const instance: Instance = inkRender(node, { stdout: stdout as never, stdin: stdin as never, debug: true, exitOnCtrlC: false, patchConsole: false });
  return { frame: () => stdout.frame, unmount: () => instance.unmount() };
}

const panelText = (topology: Topology, width = 80) => render(<TopologyPanel topology={topology} width={width} theme={theme} />).lastFrame() ?? '';

afterEach(cleanup);

describe('the topology panel', () => {
  it('shows the servers as dots with how many run, and the registry', () => {
    expect(panelText(scaled).split('\n')[0]).toBe('servers ●●●●●●✖●●● 9/10 running · registry ●');
  });

  it('shows one line per LB: its address, state and the servers of its last requests', () => {
    const lines = panelText(scaled).split('\n');
    expect(lines[1]).toMatch(/^simple_haproxy_1 127\.0\.0\.1:8181 ● last: … server_3 server_4 server_5 server_6$/);
    expect(lines[2]).toBe('simple_haproxy_2 ✖ exited');
  });

  it('keeps the newest backends when not all of them fit', () => {
    const line = panelText({ ...scaled, lbs: [lb(1, ['server_10', 'server_11', 'server_12', 'server_13', 'server_14', 'server_15'])] }, 61).split('\n')[1];
    expect(line).toBe('simple_haproxy_1 127.0.0.1:8181 ● last: … server_14 server_15');
  });

  it('says when an LB has served no request yet, and when there are no servers yet', () => {
    const lines = panelText({ servers: [], lbs: [lb(1, [])], updatedAt: 0 }).split('\n');
    expect(lines[0]).toBe('servers none yet');
    expect(lines[1]).toBe('simple_haproxy_1 127.0.0.1:8181 ● no requests yet');
  });

  it('stays within 80 columns and 4 rows with 200 servers and 9 LBs', () => {
    const many: Topology = { servers: servers(200, [150]), lbs: Array.from({ length: 9 }, (_, i) => lb(i + 1, ['server_198', 'server_199', 'server_200'], i !== 4)), updatedAt: 0 };
    const lines = panelText(many).split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/^servers ●+… 199\/200 running$/);
    expect(lines[3]).toBe('+ 7 more load balancers, 6 running');
  });

  it('says when it is no longer updated', () => {
    expect(panelText({ ...scaled, stale: true }).split('\n')[0]).toContain('· not updating: Docker does not answer');
  });
});

function viewModel(stageIndex: number): StageViewModel {
  const stage = stages[stageIndex]!;
  return {
    id: stage.id,
    number: stage.number,
    title: stage.title,
    status: 'in-progress',
    markdown: stage.markdown,
    steps: stage.steps,
    checkTitles: stage.checks.map((check) => check.title),
    activity: 'reading',
    output: [],
    checkResults: [],
    panel: 'none',
  };
}

const stageView = (stageIndex: number, topology?: Topology) => (
  <StageView model={viewModel(stageIndex)} theme={theme} onEvent={() => undefined} onQuit={() => undefined} {...(topology ? { topology } : {})} />
);

describe('the stage view with the topology', () => {
  it('shows the panel under the lesson in the load-balancing stage', () => {
    const frame = render(stageView(2, scaled)).lastFrame() ?? '';
    expect(frame).toContain('servers ●●●●●●✖●●● 9/10 running');
    expect(frame).toContain('simple_haproxy_1 127.0.0.1:8181 ● last:');
  });

  it('does not show it in the single-host stage', () => {
    const frame = render(stageView(0, scaled)).lastFrame() ?? '';
    expect(frame).not.toContain('servers ');
    expect(frame).not.toContain('simple_haproxy_1');
  });

  it('fits an 80×24 terminal with the panel, a running step and its output', () => {
    const model = { ...viewModel(2), steps: stages[1]!.steps.concat(stages[0]!.steps), activity: 'runningStep' as const, lastStep: { index: 0 }, since: Date.now(), output: Array.from({ length: 30 }, (_, i) => `line ${i}`), panel: 'output' as const };
    const many: Topology = { ...scaled, lbs: [lb(1, ['server_1']), lb(2, ['server_2']), lb(3, ['server_3']), lb(4, [])] };
    const view = renderAt(<StageView model={model} theme={theme} onEvent={() => undefined} onQuit={() => undefined} topology={many} />, 80, 24);
    const lines = view.frame().split('\n');
    view.unmount();
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(80);
    expect(lines).toContain('+ 2 more load balancers, 2 running');
    expect(lines[1]).toBe('# Balance');
  });
});

describe('the app with a topology source', () => {
  const lessons: Lessons = { dir: 'lessons', stages };
  const done = async () => undefined;
  const machine = labMachine.provide({
    actors: {
      prepareStage: fromPromise<void, { stageId: string }>(done),
      runStep: fromPromise<{ exitCode: number; durationMs: number; cancelled: boolean }, { stageId: string; index: number }>(async () => ({ exitCode: 0, durationMs: 1, cancelled: false })),
      runChecks: fromPromise<StageReport, { stageId: string; previousFailures: Record<string, number> }>(async ({ input }) => ({ stageId: input.stageId, passed: true, results: [], finishedAt: '2026-01-02T00:00:00Z' })),
      solveStage: fromPromise<void, { stageId: string }>(done),
      resetStage: fromPromise<void, { stageId: string }>(done),
    },
  });
  const store: ProgressStore = { path: '/tmp/progress.json', load: () => ({ progress: emptyProgress() }), save: () => undefined };

  /** A source the test drives: `tell` is what the watcher would call on each change. */
  function fakeSource() {
    const source = { tell: undefined as ((t: Topology) => void) | undefined, stop: jest.fn<() => void>() };
    const follow = (onChange: (t: Topology) => void) => {
      source.tell = onChange;
      return source.stop;
    };
    return { source, follow };
  }

  function startApp(open: string | undefined, follow: (onChange: (t: Topology) => void) => () => void) {
    const stageInputs = stages.map(({ id, requires, steps }) => ({ id, requires, steps }));
    const actor = createActor(machine, { input: { stages: stageInputs, progress: emptyProgress(), ...(open ? { open } : {}) } });
    return render(<App lessons={lessons} actor={actor} feed={createActivityFeed()} store={store} color={false} topology={follow} />);
  }

  it('redraws the panel as the source tells of changes, and stops it when the stage closes', async () => {
    const { source, follow } = fakeSource();
    const { lastFrame, stdin } = startApp('load-balancing', follow);
    await waitFor(() => source.tell !== undefined, 'the app to follow the topology');
    source.tell!({ servers: servers(3), lbs: [lb(1, ['server_1', 'server_2'])], updatedAt: 1 });
    await waitForFrame(lastFrame, 'servers ●●● 3/3 running');
    source.tell!({ servers: servers(3, [2]), lbs: [lb(1, ['server_1', 'server_2', 'server_3'])], updatedAt: 2 });
    const frame = await waitForFrame(lastFrame, 'servers ●✖● 2/3 running');
    expect(frame).toContain('simple_haproxy_1 127.0.0.1:8181 ● last: server_1 server_2 server_3');

    await press(stdin, keys.escape);
    await waitForFrame(lastFrame, 'dockerlab');
    expect(source.stop).toHaveBeenCalledTimes(1);
  });

  it('does not follow the engine in a stage without the panel', async () => {
    const { source, follow } = fakeSource();
    const { lastFrame } = startApp('single-host', follow);
    await waitForFrame(lastFrame, 'Build, ship and run one service');
    expect(source.tell).toBeUndefined();
  });
});
