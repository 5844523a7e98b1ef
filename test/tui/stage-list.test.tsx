import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { cleanup, render } from 'ink-testing-library';
import type { LabEvent } from '../../src/statechart/events.js';
import type { Progress } from '../../src/progress/store.js';
import { StageList } from '../../src/tui/screens/StageList.js';
import { createTheme } from '../../src/tui/theme.js';
import { stageListItems } from '../../src/tui/view-model.js';
import { keys, press, trackFixture, waitForFrame } from './helpers.js';

const stages = trackFixture();
const lessons = { dir: 'lessons', stages };
const passedFirst: Progress = {
  version: 1,
  stages: { 'single-host': { status: 'passed', updatedAt: '2026-01-01T00:00:00Z', attempts: 1 } },
};

function renderList(progress: Progress = passedFirst, extra: { warning?: string } = {}) {
  const onEvent = jest.fn<(event: LabEvent) => void>();
  const onQuit = jest.fn<() => void>();
  const items = stageListItems(lessons, { stages, progress });
  const view = render(<StageList items={items} theme={createTheme(false)} onEvent={onEvent} onQuit={onQuit} {...extra} />);
  return { ...view, onEvent, onQuit };
}

afterEach(cleanup);

describe('the stage list', () => {
  it('shows every stage as number and title with its status icon, and the overall progress', () => {
    const frame = renderList().lastFrame() ?? '';
    expect(frame).toContain('dockerlab');
    expect(frame).toContain('1/3 passed');
    expect(frame).toMatch(/✔\s+01 Build, ship and run one service/);
    expect(frame).toMatch(/○\s+02 Many copies of the service/);
    expect(frame).toMatch(/⊘\s+03 Load balancing with HAProxy/);
  });

  it('draws a progress bar as wide as the share of stages passed', () => {
    const frame = renderList().lastFrame() ?? '';
    const bar = /\[(#*)(\.*)\] 1\/3 passed/.exec(frame);
    expect(bar).not.toBeNull();
    const [, filled = '', empty = ''] = bar!;
    expect(filled.length / (filled.length + empty.length)).toBeCloseTo(1 / 3, 1);
  });

  it('selects the first stage not yet passed and shows its summary', () => {
    const frame = renderList().lastFrame() ?? '';
    expect(frame).toMatch(/› ○\s+02 Many copies/);
    expect(frame).toContain('Many copies of the service: what this stage teaches');
  });

  it('says why a locked stage is locked when it is selected', async () => {
    const { stdin, lastFrame } = renderList();
    await press(stdin, keys.down);
    const frame = await waitForFrame(lastFrame, 'Locked: finish horizontal-scale first.');
    expect(frame).toMatch(/› ⊘\s+03 Load balancing/);
  });

  it('sends user.open for the selected stage on Enter', async () => {
    const { stdin, onEvent } = renderList();
    await press(stdin, keys.up);
    await press(stdin, keys.enter);
    expect(onEvent).toHaveBeenCalledWith({ type: 'user.open', stageId: 'single-host' });
  });

  it('selects with j and k as with the arrows', async () => {
    const { stdin, lastFrame } = renderList();
    await press(stdin, 'k');
    await waitForFrame(lastFrame, /› ✔\s+01 Build/);
    await press(stdin, 'j');
    await waitForFrame(lastFrame, /› ○\s+02 Many/);
  });

  it('counts every key of a chunk the terminal delivered at once', async () => {
    const { stdin, lastFrame } = renderList();
    await press(stdin, keys.up);
    await press(stdin, 'jj');
    await waitForFrame(lastFrame, /› ⊘\s+03 Load balancing/);
  });

  it('asks the machine to open a locked stage, and says why it stays shut', async () => {
    const { stdin, lastFrame, onEvent } = renderList();
    await press(stdin, keys.down);
    await press(stdin, keys.enter);
    expect(onEvent).toHaveBeenCalledWith({ type: 'user.open', stageId: 'load-balancing' });
    await waitForFrame(lastFrame, "Can't open load-balancing yet: finish horizontal-scale first.");
  });

  it('quits on q', async () => {
    const { stdin, onQuit, onEvent } = renderList();
    await press(stdin, 'q');
    expect(onQuit).toHaveBeenCalledTimes(1);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('shows a startup warning at the top', () => {
    const frame = renderList(passedFirst, { warning: 'Your progress file could not be read; it was moved aside.' }).lastFrame() ?? '';
    const lines = frame.split('\n');
    expect(lines[1]).toContain('Your progress file could not be read');
  });

  it('ends with the key help line from the key table', () => {
    const lines = (renderList().lastFrame() ?? '').split('\n');
    expect(lines.at(-1)).toBe('↑↓ select  enter open  q quit');
  });

  it('fits a 24-row terminal', () => {
    expect((renderList().lastFrame() ?? '').split('\n').length).toBeLessThanOrEqual(23);
  });
});
