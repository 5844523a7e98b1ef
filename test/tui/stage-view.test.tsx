import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { cleanup, render } from 'ink-testing-library';
import type { CheckResult } from '../../src/checks/types.js';
import type { LabEvent } from '../../src/statechart/events.js';
import { StageView } from '../../src/tui/screens/StageView.js';
import { createTheme } from '../../src/tui/theme.js';
import type { StageViewModel } from '../../src/tui/view-model.js';
import { keys, press, trackFixture, waitForFrame } from './helpers.js';

const [singleHost] = trackFixture();

function model(overrides: Partial<StageViewModel> = {}): StageViewModel {
  return {
    id: singleHost!.id,
    number: singleHost!.number,
    title: singleHost!.title,
    status: 'in-progress',
    markdown: singleHost!.markdown,
    steps: singleHost!.steps,
    checkTitles: singleHost!.checks.map((check) => check.title),
    activity: 'reading',
    output: [],
    checkResults: [],
    panel: 'none',
    livePanel: singleHost!.panel,
    ...overrides,
  };
}

function renderView(viewModel: StageViewModel) {
  const onEvent = jest.fn<(event: LabEvent) => void>();
  const onQuit = jest.fn<() => void>();
  const view = render(<StageView model={viewModel} theme={createTheme(false)} onEvent={onEvent} onQuit={onQuit} />);
  return { ...view, onEvent, onQuit };
}

const failedLog: CheckResult = {
  kind: 'container-log',
  title: 'It serves on 8080',
  status: 'fail',
  summary: 'no log line matches /serving on 8080/',
  hint: 'Look closer with `docker logs simple-server-test`: the server likely crashed on start.',
  durationMs: 12,
};
const running: CheckResult = { kind: 'container-running', title: 'simple-server-test is running', status: 'pass', summary: 'up 3 s', durationMs: 4 };

afterEach(cleanup);

describe('the stage view', () => {
  it('shows the stage number, title and status in its header', () => {
    const frame = renderView(model()).lastFrame() ?? '';
    expect(frame.split('\n')[0]).toMatch(/^01 Build, ship and run one service\s+● in progress$/);
  });

  it('renders the lesson without the step markers', () => {
    const frame = renderView(model()).lastFrame() ?? '';
    expect(frame).toContain("Build the example service's image");
    expect(frame).not.toContain('step=build');
  });

  it('asks for a prediction before its step runs, and reveals what happened once it has, with no key pressed', async () => {
    const markdown = '# Drill\n\n```predict after=build\nWhich layer does the build run first?\n---\nFROM: the base image comes first.\n```\n';
    const view = renderView(model({ markdown }));
    // Rendered (the renderer loads after the first frame): the markdown's marks are gone.
    const before = await waitForFrame(view.lastFrame, /^ +Predict, before you run `?build`?: Which layer/m);
    expect(before).toMatch(/The answer shows here once `?build`? has run\./);
    expect(before).not.toContain('the base image comes first');
    view.rerender(<StageView model={model({ markdown, stepsRun: ['build'] })} theme={createTheme(false)} onEvent={view.onEvent} onQuit={view.onQuit} />);
    const after = await waitForFrame(view.lastFrame, /What happened: FROM: the base image comes first\./);
    expect(after).not.toContain('The answer shows here once');
  });

  it('lists each step with its exact command, the first one selected', () => {
    const frame = renderView(model()).lastFrame() ?? '';
    expect(frame).toMatch(/^› {3}1 build {2}docker build -t localhost:5000\/simple-server -f dockerfiles\/example-service\/Dockerfile/m);
    expect(frame).toMatch(/^ {4}2 run {4}docker run -d --name simple-server-test/m);
  });

  it('shows the first line of a multi-line command, then "…"', () => {
    const steps = [{ name: 'daemon', command: 'docker run -d \\\n  --name simple-server-test \\\n  localhost:5000/simple-server', long: false }];
    const frame = renderView(model({ steps })).lastFrame() ?? '';
    expect(frame).toContain('1 daemon  docker run -d \\ …');
  });

  it('shows a running step with a spinner, the time it has run and the tail of its output', () => {
    const output = ['$ docker build -t localhost:5000/simple-server -f dockerfiles/example-service/Dockerfile .', 'Step 1/4 : FROM dockerlab/base', 'Step 2/4 : RUN apt-get install -y python3'];
    const frame = renderView(model({ activity: 'runningStep', lastStep: { index: 0 }, since: Date.now() - 5000, output, panel: 'output' })).lastFrame() ?? '';
    expect(frame).toMatch(/[|/\\-] Running step 1 build · [56] s · x stops it/);
    expect(frame).toContain('│ $ docker build -t localhost:5000/simple-server');
    expect(frame).toContain('│ Step 2/4 : RUN apt-get install -y python3');
    expect(frame.split('\n').at(-1)).toContain('x/^C stop');
  });

  it('shows only the last lines of a long output, so the screen keeps its size', () => {
    const output = Array.from({ length: 150 }, (_, i) => `line ${i + 1}`);
    const frame = renderView(model({ activity: 'runningStep', lastStep: { index: 0 }, output, panel: 'output' })).lastFrame() ?? '';
    expect(frame).toContain('│ line 150');
    expect(frame).not.toContain('│ line 100\n');
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
  });

  it('says how a step ended: its exit code and how long it took', () => {
    const frame = renderView(model({ lastStep: { index: 0, exitCode: 0, durationMs: 1200, cancelled: false }, output: ['done'], panel: 'output', origin: 'user.runStep' })).lastFrame() ?? '';
    expect(frame).toContain('✔ Step 1 build: exit 0 in 1.2 s');
  });

  it('says when a step was stopped', () => {
    const frame = renderView(model({ lastStep: { index: 1, cancelled: true }, output: ['serving on 8080'], panel: 'output', origin: 'user.runStep' })).lastFrame() ?? '';
    expect(frame).toContain('■ Step 2 run: stopped');
  });

  it('says the stage is set up once its setup commands ran', () => {
    const frame = renderView(model({ output: ['$ docker network create simple-network'], panel: 'output', origin: 'user.open' })).lastFrame() ?? '';
    expect(frame).toContain('✔ The stage is set up.');
  });

  it('does not repeat an earlier step result over the output of a failed solve', () => {
    const frame = renderView(
      model({ lastStep: { index: 0, exitCode: 0, durationMs: 900, cancelled: false }, output: ['$ docker push localhost:5000/simple-server'], panel: 'output', origin: 'user.solve', problem: 'Solving the stage failed: `docker push` exited with code 1.' }),
    ).lastFrame() ?? '';
    expect(frame).not.toContain('exit 0');
    expect(frame).toContain('Solving the stage failed');
  });

  it('shows the setup commands and their output while the stage is prepared', () => {
    const frame = renderView(model({ activity: 'preparing', output: ['$ docker network create simple-network', '3f2a9c'], panel: 'output' })).lastFrame() ?? '';
    expect(frame).toContain('Setting up the stage…');
    expect(frame).toContain('│ $ docker network create simple-network');
  });

  it('shows each check as it finishes, and the hint beneath a failed one', () => {
    const frame = renderView(model({ activity: 'reading', panel: 'checks', checkResults: [running, failedLog], passed: false })).lastFrame() ?? '';
    expect(frame).toContain('✔ simple-server-test is running: up 3 s');
    expect(frame).toContain('✖ It serves on 8080: no log line matches /serving on 8080/');
    expect(frame).toContain('    Look closer with `docker logs simple-server-test`: the server likely crashed on');
    expect(frame).toContain('1 of 2 checks failed');
  });

  it('shows checks still running as pending', () => {
    const frame = renderView(model({ activity: 'checking', panel: 'checks', checkResults: [running] })).lastFrame() ?? '';
    expect(frame).toContain('Checking the stage…');
    expect(frame).toContain('✔ simple-server-test is running');
    expect(frame).toContain('○ It serves on 8080');
  });

  it('says clearly when the stage passed', () => {
    const frame = renderView(model({ status: 'passed', panel: 'checks', checkResults: [running, { ...running, title: 'It serves on 8080', summary: 'logged' }], passed: true })).lastFrame() ?? '';
    expect(frame).toContain('✔ Stage passed.');
  });

  it('shows a problem from the machine', () => {
    const frame = renderView(model({ problem: 'The step could not run: spawn sh ENOENT' })).lastFrame() ?? '';
    expect(frame).toContain('The step could not run: spawn sh ENOENT');
  });

  it('scrolls the lesson a page with space and back with b', async () => {
    const long = `${singleHost!.markdown}\n${Array.from({ length: 60 }, (_, i) => `Paragraph ${i + 1}.`).join('\n\n')}`;
    const { stdin, lastFrame } = renderView(model({ markdown: long }));
    expect(lastFrame()).toMatch(/lesson 1–\d+ of \d+/);
    await press(stdin, ' ');
    const scrolled = await waitForFrame(lastFrame, /lesson (\d{2,})–/);
    expect(scrolled).not.toContain('# Build, ship and run one service');
    await press(stdin, 'b');
    await waitForFrame(lastFrame, /lesson 1–/);
  });

  it('fits a 24-row terminal', () => {
    const output = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`);
    const frame = renderView(model({ activity: 'runningStep', lastStep: { index: 0 }, output, panel: 'output', problem: 'x'.repeat(300) })).lastFrame() ?? '';
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
  });

  describe('keys', () => {
    it('runs the selected step on Enter', async () => {
      const { stdin, onEvent } = renderView(model());
      await press(stdin, keys.down);
      await press(stdin, keys.enter);
      expect(onEvent).toHaveBeenCalledWith({ type: 'user.runStep', index: 1 });
    });

    it('runs checks on c', async () => {
      const { stdin, onEvent } = renderView(model());
      await press(stdin, 'c');
      expect(onEvent).toHaveBeenCalledWith({ type: 'user.check' });
    });

    it('solves only when s is pressed twice', async () => {
      const { stdin, onEvent, lastFrame } = renderView(model());
      await press(stdin, 's');
      await waitForFrame(lastFrame, 'Press s again to solve this stage');
      expect(onEvent).not.toHaveBeenCalled();
      await press(stdin, 's');
      expect(onEvent).toHaveBeenCalledWith({ type: 'user.solve' });
    });

    it('cancels a pending reset on any other key', async () => {
      const { stdin, onEvent, lastFrame } = renderView(model());
      await press(stdin, 'r');
      await waitForFrame(lastFrame, 'Press r again to reset this stage');
      await press(stdin, keys.down);
      await press(stdin, 'r');
      expect(onEvent).not.toHaveBeenCalled();
      await press(stdin, 'r');
      expect(onEvent).toHaveBeenCalledWith({ type: 'user.reset' });
    });

    it('goes back on Esc', async () => {
      const { stdin, onEvent } = renderView(model());
      await press(stdin, keys.escape);
      await waitForFrame(() => String(onEvent.mock.calls.length), '1');
      expect(onEvent).toHaveBeenCalledWith({ type: 'user.back' });
    });

    it('stops a running step on x, and ignores run and check keys meanwhile', async () => {
      const { stdin, onEvent } = renderView(model({ activity: 'runningStep', lastStep: { index: 0 }, panel: 'output' }));
      await press(stdin, keys.enter);
      await press(stdin, 'c');
      await press(stdin, 'x');
      expect(onEvent.mock.calls).toEqual([[{ type: 'user.stop' }]]);
    });

    it('quits on q while nothing runs', async () => {
      const { stdin, onQuit } = renderView(model());
      await press(stdin, 'q');
      expect(onQuit).toHaveBeenCalledTimes(1);
    });

    it('leaves Ctrl-C to the app', async () => {
      const { stdin, onEvent, onQuit } = renderView(model({ activity: 'runningStep', lastStep: { index: 0 } }));
      await press(stdin, keys.ctrlC);
      expect(onEvent).not.toHaveBeenCalled();
      expect(onQuit).not.toHaveBeenCalled();
    });
  });
});
