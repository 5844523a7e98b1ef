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

  it('turns actions into lab events', () => {
    expect(eventFor('run', { stepIndex: 2 })).toEqual({ type: 'user.runStep', index: 2 });
    expect(eventFor('open', { stageId: 'single-host' })).toEqual({ type: 'user.open', stageId: 'single-host' });
    expect(eventFor('pageDown', {})).toBeUndefined();
  });
});
