import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { render as inkRender, type Instance } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { createActor } from 'xstate';
import { createActivityFeed } from '../../src/actors/activity.js';
import type { Lessons } from '../../src/lessons/types.js';
import { labMachine } from '../../src/statechart/lab-machine.js';
import { emptyProgress } from '../../src/progress/store.js';
import { fakeLabActors, memoryRecorder } from '../helpers/progress.js';
import type { Topology } from '../../src/runtime/topology.js';
import { App } from '../../src/tui/App.js';
import { boardRows, TopologyBoard } from '../../src/tui/components/TopologyBoard.js';
import { showsTopology, topologyRowCount, TopologyPanel, watchesTopology } from '../../src/tui/components/TopologyPanel.js';
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
    livePanel: stage.panel,
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
  // Each app gets its own progress in memory.
  const machine = () => labMachine.provide({ actors: fakeLabActors(lessons, memoryRecorder().recorder) });

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
    const actor = createActor(machine(), { input: { stages: stageInputs, progress: emptyProgress(), ...(open ? { open } : {}) } });
    return render(<App lessons={lessons} actor={actor} feed={createActivityFeed()} color={false} topology={follow} />);
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

// ---------------------------------------------------------------------------------------------
// Stage 4: Consul

const up = (nodes: string[]) => nodes.map((node, i) => ({ name: `server${i + 1}`, state: 'UP', node }));

/** The drill under way: server_3 removed (its instance not yet gone), simple_consul_3 stopped, simple_consul_2 leads. */
const withConsul: Topology = {
  servers: servers(5, [3]),
  lbs: [lb(1, ['server_1', 'server_2', 'server_4']), lb(2, ['server_5'])],
  registry: { running: true },
  updatedAt: 0,
  consul: {
    servers: [1, 2, 3, 4, 5].map((i) => ({ name: `simple_consul_${i}`, running: i !== 3, leader: i === 2 })),
    instances: [1, 2, 3, 4, 5].map((i) => ({ node: `server_${i}`, passing: i !== 3 })),
    lbBackends: { simple_haproxy_1: up(['server_1', 'server_2', 'server_4', 'server_5']), simple_haproxy_2: up(['server_1', 'server_2', 'server_4', 'server_5']) },
  },
};

const consulOf = (topology: Topology) => topology.consul!;

describe('the topology panel with Consul', () => {
  it('shows the Consul servers with the leader ★, the catalog with the failing instance, and the LBs grouped by their backends', () => {
    const lines = panelText(withConsul).split('\n');
    expect(lines).toEqual([
      'servers ●●✖●● 4/5 running · registry ●',
      'consul ●★✖●● leader simple_consul_2 · catalog 4/5 passing ✖ server_3',
      'backends lb1 lb2 → server_1 server_2 server_4 server_5',
      'simple_haproxy_1 127.0.0.1:8181 ● last: server_1 server_2 server_4',
      'simple_haproxy_2 127.0.0.1:8282 ● last: server_5',
    ]);
    expect(topologyRowCount(withConsul)).toBe(lines.length);
  });

  it('shows each LB\'s own backends while they differ, DNS slots by their node, and an LB with none', () => {
    const differ: Topology = {
      ...withConsul,
      lbs: [lb(1, []), lb(2, []), lb(3, [])],
      consul: { ...consulOf(withConsul), lbBackends: { simple_haproxy_1: up(['server_1', 'server_2']), simple_haproxy_2: [{ name: 'server_1', state: 'UP' }], simple_haproxy_3: [] } },
    };
    expect(panelText(differ).split('\n')[2]).toBe('backends lb1 → server_1 server_2 · lb2 → server_1 · lb3 → none');
  });

  it('says when there is no leader and when Consul does not answer, within 80 columns', () => {
    const noQuorum: Topology = {
      ...withConsul,
      consul: { ...consulOf(withConsul), servers: consulOf(withConsul).servers.map((s) => ({ ...s, leader: false })), stale: true },
    };
    const line = panelText(noQuorum).split('\n')[1]!;
    expect(line).toBe('consul ●●✖●● no leader · catalog 4/5 passing ✖ server_3 · not answering');
  });

  it('names failing instances in brace form, and leaves them to the count when not even that fits', () => {
    const many: Topology = {
      ...withConsul,
      servers: servers(12, [1, 4]),
      consul: { ...consulOf(withConsul), instances: Array.from({ length: 12 }, (_, i) => ({ node: `server_${i + 1}`, passing: ![1, 4, 10].includes(i + 1) })) },
    };
    expect(panelText(many).split('\n')[1]).toBe('consul ●★✖●● leader simple_consul_2 · catalog 9/12 passing ✖ server_{1,4,10}');
    expect(panelText(many, 75).split('\n')[1]).toBe('consul ●★✖●● leader simple_consul_2 · catalog 9/12 passing ✖ server_1 …');
    expect(panelText({ ...many, consul: { ...consulOf(many), stale: true } }).split('\n')[1]).toBe('consul ●★✖●● leader simple_consul_2 · catalog 9/12 passing · not answering');
  });

  it('stays within 80 columns and 6 rows with 9 Consul servers, 200 servers, 50 instances and 9 LBs', () => {
    const big: Topology = {
      servers: servers(200, [150]),
      lbs: Array.from({ length: 9 }, (_, i) => lb(i + 1, ['server_198', 'server_199', 'server_200'], i !== 4)),
      updatedAt: 0,
      consul: {
        servers: Array.from({ length: 9 }, (_, i) => ({ name: `simple_consul_${i + 1}`, running: true, leader: i === 8 })),
        instances: Array.from({ length: 50 }, (_, i) => ({ node: `server_${i + 1}`, passing: i % 7 !== 0 })),
        lbBackends: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`simple_haproxy_${i + 1}`, up(Array.from({ length: 43 }, (_, n) => `server_${n + 1}`))])),
      },
    };
    const lines = panelText(big).split('\n');
    expect(lines).toHaveLength(6);
    expect(topologyRowCount(big)).toBe(6);
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(80);
    expect(lines[1]).toMatch(/^consul ●{8}★ leader simple_consul_9 · catalog 42\/50 passing/);
    expect(lines[2]).toMatch(/^backends lb1 lb2 lb3 lb4 lb6 lb7 lb8 lb9 → server_\{1,2,3,.*…$/);
    expect(lines[5]).toBe('+ 7 more load balancers, 6 running');
  });

  it('has no backends row while no LB runs, and says so of a Consul not asked yet', () => {
    const alone: Topology = { servers: [], lbs: [], updatedAt: 0, consul: { servers: [{ name: 'simple_consul_1', running: true, leader: false }], instances: [], lbBackends: {} } };
    expect(panelText(alone).split('\n')).toEqual(['servers none yet', 'consul ● no leader · catalog empty']);
  });

  it('is always shown in the service-discovery stage, and followed there', () => {
    expect(watchesTopology('containers')).toBe(true);
    expect(showsTopology('containers', { servers: [], lbs: [], updatedAt: 0 })).toBe(true);
    expect(showsTopology('none', { servers: [], lbs: [], updatedAt: 0 })).toBe(false);
  });

  it('fits an 80×24 stage view of service-discovery with six panel rows, steps and output', () => {
    const model = { ...viewModel(2), id: 'service-discovery', number: 4, title: 'Service discovery with Consul', steps: stages[1]!.steps.concat(stages[0]!.steps), activity: 'runningStep' as const, lastStep: { index: 0 }, since: Date.now(), output: Array.from({ length: 30 }, (_, i) => `line ${i}`), panel: 'output' as const };
    const backends = up(['server_1', 'server_2', 'server_4', 'server_5']);
    const four: Topology = {
      ...withConsul,
      lbs: [lb(1, ['server_1']), lb(2, ['server_2']), lb(3, ['server_4']), lb(4, [])],
      consul: { ...consulOf(withConsul), lbBackends: { simple_haproxy_1: backends, simple_haproxy_2: backends, simple_haproxy_3: backends, simple_haproxy_4: backends } },
    };
    const view = renderAt(<StageView model={model} theme={theme} onEvent={() => undefined} onQuit={() => undefined} topology={four} />, 80, 24);
    const lines = view.frame().split('\n');
    view.unmount();
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(80);
    expect(lines).toContain('consul ●★✖●● leader simple_consul_2 · catalog 4/5 passing ✖ server_3');
    expect(lines).toContain('backends lb1 lb2 lb3 lb4 → server_1 server_2 server_4 server_5');
    expect(lines).toContain('+ 2 more load balancers, 2 running');
    expect(lines[1]).toBe('# Balance');
  });
});

const boardText = (topology: Topology, width: number, height: number): string[] => boardRows(topology, width, height, theme).map((row) => row.map((s) => s.text).join(''));

describe('the topology board with Consul', () => {
  it('shows the Consul servers (leader ★), the catalog with health and each LB\'s backends', () => {
    const lines = boardText(withConsul, 100, 20);
    const at = lines.findIndex((line) => line.startsWith('CONSUL'));
    expect(lines.slice(at, at + 5)).toEqual([
      'CONSUL  ★ simple_consul_2 leads  ·  catalog 4 of 5 instances passing',
      'servers   ● simple_consul_1  ★ simple_consul_2  ✖ simple_consul_3  ● simple_consul_4',
      '          ● simple_consul_5',
      'catalog   ✔ server_1  ✔ server_2  ✖ server_3  ✔ server_4  ✔ server_5',
      'backends  simple_haproxy_1 → server_1 server_2 server_4 server_5',
    ]);
    expect(lines[at + 5]).toBe('          simple_haproxy_2 → server_1 server_2 server_4 server_5');
    expect(lines[at + 6]).toMatch(/^LOAD BALANCERS/);
  });

  it('fits 80 columns and its height, servers as dots and the failing instances among those shown', () => {
    const crowded: Topology = {
      ...withConsul,
      servers: servers(10, [1, 4]),
      consul: { ...consulOf(withConsul), instances: Array.from({ length: 10 }, (_, i) => ({ node: `server_${i + 1}`, passing: i !== 0 && i !== 3 })), stale: true },
    };
    const lines = boardText(crowded, 80, 11);
    expect(lines).toHaveLength(11);
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(80);
    expect(lines).toContain('servers   ●★✖●●  4 of 5 running');
    expect(lines).toContain('catalog   ✖ server_1   ✔ server_2   ✖ server_4   + 7 more, 7 passing');
    expect(lines.find((line) => line.startsWith('CONSUL'))).toMatch(/^CONSUL {2}not answering: last known {2}★ simple_consul_2 leads/);
  });

  it('keeps the board as it was when there is no Consul', () => {
    const { consul: _, ...without } = withConsul;
    expect(boardText(without, 80, 11).some((line) => line.startsWith('CONSUL'))).toBe(false);
  });

  it('renders in a presenter view at 80×24 with the leader marked', () => {
    const model = { ...viewModel(2), id: 'service-discovery', number: 4, title: 'Service discovery with Consul' };
    const view = renderAt(<StageView model={model} theme={theme} onEvent={() => undefined} onQuit={() => undefined} topology={withConsul} presenter={{}} />, 80, 24);
    const lines = view.frame().split('\n');
    view.unmount();
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(80);
    expect(lines.some((line) => line.startsWith('CONSUL  ★ simple_consul_2 leads'))).toBe(true);
    expect(lines.some((line) => line.includes('✖ server_3'))).toBe(true);
  });

  it('draws with ink as the rows say', () => {
    const frame = render(<TopologyBoard topology={withConsul} width={100} height={20} theme={theme} />).lastFrame() ?? '';
    expect(frame).toContain('★ simple_consul_2');
    expect(frame).toContain('✖ server_3');
  });
});
