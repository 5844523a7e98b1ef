import { afterEach, describe, expect, it } from '@jest/globals';
import { cleanup, render } from 'ink-testing-library';
import { createActor } from 'xstate';
import { createActivityFeed } from '../../src/actors/activity.js';
import type { Lessons, Stage } from '../../src/lessons/types.js';
import { labMachine } from '../../src/statechart/lab-machine.js';
import { emptyProgress } from '../../src/progress/store.js';
import { fakeLabActors, memoryRecorder } from '../helpers/progress.js';
import type { Topology } from '../../src/runtime/topology.js';
import { App } from '../../src/tui/App.js';
import { boardRows } from '../../src/tui/components/TopologyBoard.js';
import { textWidth } from '../../src/tui/layout.js';
import { StageView } from '../../src/tui/screens/StageView.js';
import { createTheme } from '../../src/tui/theme.js';
import type { StageViewModel } from '../../src/tui/view-model.js';
import { press, renderAt, trackFixture, waitFor, waitForFrame } from './helpers.js';

const theme = createTheme(false);
const NOTES = '# Presenter notes\n\nDemo the second build: it finishes in seconds.\n\nAsk the room: image or container?';
const stages: Stage[] = trackFixture().map((stage) => ({ ...stage, notes: NOTES }));
const [singleHost, , loadBalancing] = stages;

const servers = (count: number, stopped: number[] = []): Topology['servers'] =>
  Array.from({ length: count }, (_, i) => ({ name: `server_${i + 1}`, state: stopped.includes(i + 1) ? 'exited' : 'running', running: !stopped.includes(i + 1) }));

const lb = (index: number, lastBackends: string[]): Topology['lbs'][number] => ({ name: `simple_haproxy_${index}`, state: 'running', running: true, port: 8181 + 101 * (index - 1), lastBackends });

const scaled: Topology = { servers: servers(10, [7]), lbs: [lb(1, ['server_4', 'server_5', 'server_6']), lb(2, [])], registry: { running: true }, updatedAt: 0 };

function model(stage: Stage): StageViewModel {
  return { id: stage.id, number: stage.number, title: stage.title, status: 'in-progress', markdown: stage.markdown, steps: stage.steps, checkTitles: [], activity: 'reading', output: [], checkResults: [], panel: 'none', livePanel: stage.panel };
}


const presenterView = (stage: Stage, topology?: Topology) => (
  <StageView model={model(stage)} theme={theme} onEvent={() => undefined} onQuit={() => undefined} presenter={{ notes: NOTES }} {...(topology ? { topology } : {})} />
);

afterEach(cleanup);

describe('the stage view in presenter mode', () => {
  it('shows the notes in place of the lesson', () => {
    const frame = render(presenterView(singleHost!)).lastFrame() ?? '';
    expect(frame).toContain('Demo the second build: it finishes in seconds.');
    expect(frame).not.toContain("Build the example service's image");
    expect(frame).toContain('presenter notes');
    expect(frame.split('\n').at(-1)).toMatch(/^n notes|n lesson/);
  });

  it('switches between the notes and the lesson with n', async () => {
    const { lastFrame, stdin } = render(presenterView(singleHost!));
    await press(stdin, 'n');
    const lesson = await waitForFrame(lastFrame, "Build the example service's image");
    expect(lesson).not.toContain('Demo the second build');
    expect(lesson.split('\n').at(-1)).toMatch(/^n notes/);
    await press(stdin, 'n');
    await waitForFrame(lastFrame, 'Demo the second build');
  });

  it('shows the large board with each server by name, and what each LB served last', () => {
    const view = renderAt(presenterView(loadBalancing!, scaled), 120, 40);
    const frame = view.frame();
    view.unmount();
    expect(frame).toMatch(/SERVERS {2}9\/10 running +registry ● running/);
    expect(frame).toContain('│ server_10   │');
    expect(frame).toContain('│ ✖ exited    │');
    expect(frame).toContain('│ ● running ◀ │');
    expect(frame).toMatch(/simple_haproxy_1 {2}127\.0\.0\.1:8181 +● running {3}last: server_4 → server_5 → server_6 ◀/);
    expect(frame).toMatch(/simple_haproxy_2 {2}127\.0\.0\.1:8282 +● running {3}no requests yet/);
    for (const line of frame.split('\n')) expect(textWidth(line)).toBeLessThanOrEqual(120);
  });

  it('shows the board in every stage, not only the topology ones', () => {
    const frame = render(presenterView(singleHost!, { servers: [], lbs: [], registry: { running: true }, updatedAt: 0 })).lastFrame() ?? '';
    expect(frame).toContain('No servers yet');
  });
});

describe('the topology board', () => {
  it('draws thirty servers as a grid of named cells when boxes would not fit, within its rows and width', () => {
    const rows = boardRows({ servers: servers(30), lbs: [lb(1, ['server_30'])], updatedAt: 0 }, 100, 10, theme);
    const lines = rows.map((row) => row.map((segment) => segment.text).join(''));
    expect(lines.length).toBeLessThanOrEqual(10);
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(100);
    expect(lines[1]).toMatch(/^● server_1 +● server_2 /);
    expect(lines.join('\n')).toContain('● server_30 ◀');
  });

  it('counts the servers that do not fit', () => {
    const lines = boardRows({ servers: servers(200), lbs: [], updatedAt: 0 }, 80, 4, theme).map((row) => row.map((s) => s.text).join(''));
    expect(lines).toHaveLength(4);
    expect(lines.at(-1)).toMatch(/\+ \d+ more, \d+ running$/);
  });
});

describe('the app', () => {
  const lessons: Lessons = { dir: 'lessons', stages };
  // Each app gets its own progress in memory.
  const machine = () => labMachine.provide({ actors: fakeLabActors(lessons, memoryRecorder().recorder) });

  function startApp(presenter: boolean, follow?: (onChange: (t: Topology) => void) => () => void) {
    const actor = createActor(machine(), { input: { stages: stages.map(({ id, requires, steps }) => ({ id, requires, steps })), progress: emptyProgress(), open: 'single-host' } });
    return render(<App lessons={lessons} actor={actor} feed={createActivityFeed()} color={false} presenter={presenter} {...(follow ? { topology: follow } : {})} />);
  }

  it('never shows the notes outside presenter mode, not even when n is pressed', async () => {
    const { lastFrame, stdin } = startApp(false);
    await waitForFrame(lastFrame, "Build the example service's image");
    await press(stdin, 'n');
    await press(stdin, 'n');
    const frame = lastFrame() ?? '';
    expect(frame).not.toContain('Demo the second build');
    expect(frame).not.toContain('presenter notes');
    expect(frame).not.toMatch(/\bn (notes|lesson)\b/);
  });

  it('shows the notes, and follows the engine for the board, in presenter mode', async () => {
    let tell: ((t: Topology) => void) | undefined;
    const { lastFrame } = startApp(true, (onChange) => ((tell = onChange), () => undefined));
    await waitForFrame(lastFrame, 'Demo the second build');
    await waitFor(() => tell !== undefined, 'the app to follow the topology');
    tell!({ servers: servers(2), lbs: [], updatedAt: 1 });
    await waitForFrame(lastFrame, 'SERVERS  2/2 running');
  });
});
