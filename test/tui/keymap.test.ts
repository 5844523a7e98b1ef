import { describe, expect, it } from '@jest/globals';
import type { Key } from 'ink';
import { actionFor, eventFor, keyHelp } from '../../src/tui/keymap.js';

const noKey: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
};

describe('the key table', () => {
  it('maps Enter to open on the list and to run in a stage', () => {
    expect(actionFor('list', 'browsing', '', { ...noKey, return: true })).toBe('open');
    expect(actionFor('stage', 'reading', '', { ...noKey, return: true })).toBe('run');
  });

  it('tells Ctrl-C from c', () => {
    expect(actionFor('stage', 'reading', 'c', noKey)).toBe('check');
    expect(actionFor('stage', 'reading', 'c', { ...noKey, ctrl: true })).toBe('interrupt');
  });

  it('answers only the keys that make sense while a step runs', () => {
    expect(actionFor('stage', 'runningStep', 'x', noKey)).toBe('stop');
    expect(actionFor('stage', 'runningStep', 'c', noKey)).toBeUndefined();
    expect(actionFor('stage', 'runningStep', 'q', noKey)).toBeUndefined();
    expect(keyHelp('stage', 'runningStep').map((item) => item.help)).toEqual(['step', 'stop', 'scroll']);
  });

  it('lists the keys of the list screen for its help line', () => {
    expect(keyHelp('list', 'browsing')).toEqual([
      { keys: '↑↓', help: 'select' },
      { keys: 'enter', help: 'open' },
      { keys: 'q', help: 'quit' },
    ]);
  });

  it("opens a concept stage's walkthrough with w and its quiz with a, listed only where the stage has them", () => {
    expect(actionFor('stage', 'reading', 'w', noKey)).toBe('walkthrough');
    expect(actionFor('stage', 'reading', 'a', noKey)).toBe('quiz');
    expect(actionFor('stage', 'checking', 'a', noKey)).toBeUndefined();
    expect(keyHelp('stage', 'reading').map((item) => item.keys)).toEqual(expect.arrayContaining(['w', 'a']));
    expect(keyHelp('stage', 'reading', (action) => action !== 'walkthrough' && action !== 'quiz').map((item) => item.keys)).not.toEqual(expect.arrayContaining(['w']));
  });

  it('gives the panes their own keys: letters answer in the quiz, arrows step, Esc closes', () => {
    expect(actionFor('quiz', 'reading', 'c', noKey)).toBe('choose');
    expect(actionFor('quiz', 'reading', 'f', noKey)).toBe('choose');
    expect(actionFor('quiz', 'reading', 'g', noKey)).toBeUndefined();
    expect(actionFor('quiz', 'reading', 'q', noKey)).toBeUndefined();
    expect(actionFor('quiz', 'reading', '', { ...noKey, rightArrow: true })).toBe('next');
    expect(actionFor('walkthrough', 'reading', '', { ...noKey, return: true })).toBe('next');
    expect(actionFor('walkthrough', 'reading', '', { ...noKey, leftArrow: true })).toBe('previous');
    expect(actionFor('walkthrough', 'reading', '', { ...noKey, escape: true })).toBe('close');
    expect(actionFor('walkthrough', 'reading', 'c', noKey)).toBeUndefined();
    expect(keyHelp('walkthrough', 'reading')).toEqual([
      { keys: '←→', help: 'frame' },
      { keys: 'esc', help: 'back' },
    ]);
  });

  it('turns actions into lab events', () => {
    expect(eventFor('run', { stepIndex: 2 })).toEqual({ type: 'user.runStep', index: 2 });
    expect(eventFor('open', { stageId: 'single-host' })).toEqual({ type: 'user.open', stageId: 'single-host' });
    expect(eventFor('pageDown', {})).toBeUndefined();
  });
});
