import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { loadLessons } from '../../src/lessons/load.js';
import type { Stage } from '../../src/lessons/types.js';
import { loadMarkdown } from '../../src/tui/markdown.js';
import { StageView } from '../../src/tui/screens/StageView.js';
import { createTheme } from '../../src/tui/theme.js';
import { withChallenge, type StageViewModel } from '../../src/tui/view-model.js';
import { press, renderAt, waitFor } from './helpers.js';

const stages = loadLessons(join(process.cwd(), 'lessons')).stages;

function model(stage: Stage): StageViewModel {
  return { id: stage.id, number: stage.number, title: stage.title, status: 'in-progress', markdown: withChallenge(stage), steps: stage.steps, checkTitles: [], activity: 'reading', output: [], checkResults: [], panel: 'none', livePanel: 'none' };
}

// The interface loads the renderer after its first frame; here it is loaded first, so each page is final.
beforeAll(loadMarkdown);
afterEach(cleanup);

describe("a stage's challenge in the interface, at 80×24", () => {
  it.each(['load-balancing', 'service-discovery', 'multi-host', 'orchestration'])('is the last part of %s: its goal, hints and the command that judges it, never the reference solution', async (id) => {
    const stage = stages.find((candidate) => candidate.id === id)!;
    const view = renderAt(<StageView model={model(stage)} theme={createTheme(false)} onEvent={() => undefined} onQuit={() => undefined} />, 80, 24);
    const seen: string[] = [];
    // A page at a time, as a learner reads, to the end of the lesson.
    const position = () => /lesson (\d+)–(\d+) of (\d+)/.exec(view.frame());
    for (let page = 0; page < 100 && position()?.[2] !== position()?.[3]; page++) {
      seen.push(view.frame());
      const before = position()?.[1];
      await press(view.stdin, ' ');
      await waitFor(() => position()?.[1] !== before, 'the next page');
    }
    seen.push(view.frame());
    const last = view.frame();
    for (const frame of seen) {
      expect(frame.split('\n').length).toBeLessThanOrEqual(24);
      for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    }
    const text = seen.join('\n');
    expect(text).toContain(`Challenge: ${stage.challenge!.title}`);
    expect(text).toContain('Hints');
    expect(last).toContain(`lab check ${id} --challenge`);
    // The reference solution's own lines never show.
    expect(text).not.toContain('reference solution of stage');
    expect(text).not.toMatch(/tail -n 1 \/usr\/local\/etc\/haproxy|consul services register \/tmp|--rollback-order start-first --update-parallelism/);
    view.unmount();
  });
});

describe("a challenge's verdict in the header, as the learner's own `lab check --challenge` left it", () => {
  it.each([
    ['not tried', 'challenge ○ · ● in progress'],
    ['failed', 'challenge ✖ · ● in progress'],
    ['passed', 'challenge ✔ · ● in progress'],
  ] as const)('%s', (verdict, badge) => {
    const stage = stages.find((candidate) => candidate.id === 'load-balancing')!;
    const view = renderAt(<StageView model={{ ...model(stage), challenge: verdict }} theme={createTheme(false)} onEvent={() => undefined} onQuit={() => undefined} />, 80, 24);
    const header = view.frame().split('\n')[0]!;
    expect(header).toContain(badge);
    expect(header.length).toBeLessThanOrEqual(80);
    view.unmount();
  });
});
