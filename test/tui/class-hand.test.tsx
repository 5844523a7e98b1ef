import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { cleanup, render } from 'ink-testing-library';
import { createActor } from 'xstate';
import { createActivityFeed } from '../../src/actors/activity.js';
import type { Lessons } from '../../src/lessons/types.js';
import { emptyProgress } from '../../src/progress/store.js';
import { labMachine } from '../../src/statechart/lab-machine.js';
import { App } from '../../src/tui/App.js';
import { actionFor } from '../../src/tui/keymap.js';
import { fakeLabActors, memoryRecorder } from '../helpers/progress.js';
import { press, trackFixture, waitForFrame } from './helpers.js';

const lessons: Lessons = { dir: 'lessons', stages: trackFixture() };

describe('? in the interface', () => {
  afterEach(cleanup);

  it('is bound to nothing else on the list or a stage', () => {
    const noKey = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };
    expect(actionFor('list', 'browsing', '?', noKey)).toBe('hand');
    expect(actionFor('stage', 'reading', '?', noKey)).toBe('hand');
  });

  it("raises the learner's hand and shows what the class server said", async () => {
    const { recorder } = memoryRecorder();
    const machine = labMachine.provide({ actors: fakeLabActors(lessons, recorder, {}) });
    const actor = createActor(machine, { input: { stages: lessons.stages.map(({ id, requires, steps }) => ({ id, requires, steps })), progress: emptyProgress() } });
    const raiseHand = jest.fn(async () => 'Your hand is raised on the class board.');
    const { stdin, lastFrame } = render(<App lessons={lessons} actor={actor} feed={createActivityFeed()} color={false} raiseHand={raiseHand} />);
    await waitForFrame(lastFrame, 'single-host');
    await press(stdin, '?');
    await waitForFrame(lastFrame, 'Your hand is raised on the class board.');
    expect(raiseHand).toHaveBeenCalledTimes(1);
  });
});
