import type { Key } from 'ink';
// The limit alone, not the schema: the interface never loads zod for it.
import { QUIZ_MAX_CHOICES } from '../lessons/quiz-limits.js';
import type { LabEvent } from '../statechart/events.js';
import type { Activity } from '../statechart/selectors.js';

/** The stage list, a stage, and a concept stage's walkthrough and quiz panes (opened from the stage). */
export type Screen = 'list' | 'stage' | 'walkthrough' | 'quiz';

/** What a key asks for: a lab event, or something only the interface does. */
export type KeyAction =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'open'
  | 'run'
  | 'stop'
  | 'check'
  | 'solve'
  | 'reset'
  | 'back'
  | 'quit'
  | 'interrupt'
  | 'notes'
  | 'walkthrough'
  | 'quiz'
  | 'next'
  | 'previous'
  | 'choose'
  | 'close'
  | 'hand';

type KeyName = 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'return' | 'escape';

/** One key: a named key (arrows, Enter, Esc…), a character, or Ctrl plus a character. */
export type KeySpec = { key: KeyName } | { input: string; ctrl?: boolean };

export interface KeyBinding {
  action: KeyAction;
  keys: KeySpec[];
  screens: Screen[];
  /** When the key does something; always when absent. */
  when?: (activity: Activity) => boolean;
  /** How the key help line names the keys and what they do; no help means not listed. */
  label?: string;
  help?: string;
}

/** The letters quiz choices go by: a, b, c… as many as a question may have choices. */
export const QUIZ_LETTERS = 'abcdefghijklmnopqrstuvwxyz'.slice(0, QUIZ_MAX_CHOICES);

const idle = (activity: Activity) => activity === 'browsing' || activity === 'reading';
const stoppable = (activity: Activity) => activity === 'runningStep' || activity === 'solving';

/** Every key the lab answers, in the order the help line lists them (the last give way on narrow screens). */
export const keymap: readonly KeyBinding[] = [
  // App handles Ctrl-C: it stops a running step, and quits when pressed twice within a second.
  { action: 'interrupt', keys: [{ input: 'c', ctrl: true }], screens: ['list', 'stage'] },
  { action: 'up', keys: [{ key: 'upArrow' }, { input: 'k' }], screens: ['list'], label: '↑↓', help: 'select' },
  { action: 'up', keys: [{ key: 'upArrow' }, { input: 'k' }], screens: ['stage'], label: '↑↓', help: 'step' },
  { action: 'down', keys: [{ key: 'downArrow' }, { input: 'j' }], screens: ['list', 'stage'] },
  { action: 'open', keys: [{ key: 'return' }], screens: ['list'], label: 'enter', help: 'open' },
  { action: 'run', keys: [{ key: 'return' }], screens: ['stage'], when: (a) => a === 'reading', label: 'enter', help: 'run' },
  // Concept stages only: listed in the help of a stage that has a walkthrough or a quiz.
  { action: 'walkthrough', keys: [{ input: 'w' }], screens: ['stage'], when: (a) => a === 'reading', label: 'w', help: 'walkthrough' },
  { action: 'quiz', keys: [{ input: 'a' }], screens: ['stage'], when: (a) => a === 'reading', label: 'a', help: 'quiz' },
  { action: 'stop', keys: [{ input: 'x' }], screens: ['stage'], when: stoppable, label: 'x/^C', help: 'stop' },
  { action: 'check', keys: [{ input: 'c' }], screens: ['stage'], when: (a) => a === 'reading', label: 'c', help: 'check' },
  { action: 'solve', keys: [{ input: 's' }], screens: ['stage'], when: (a) => a === 'reading', label: 's', help: 'solve' },
  { action: 'reset', keys: [{ input: 'r' }], screens: ['stage'], when: (a) => a === 'reading', label: 'r', help: 'reset' },
  { action: 'back', keys: [{ key: 'escape' }, { key: 'leftArrow' }], screens: ['stage'], when: (a) => a === 'reading', label: 'esc', help: 'back' },
  { action: 'quit', keys: [{ input: 'q' }], screens: ['list', 'stage'], when: idle, label: 'q', help: 'quit' },
  { action: 'pageDown', keys: [{ key: 'pageDown' }, { input: ' ' }], screens: ['stage'], label: 'PgDn/PgUp', help: 'scroll' },
  { action: 'pageUp', keys: [{ key: 'pageUp' }, { input: 'b' }], screens: ['stage'] },
  // In a class (`lab class join`): raises the learner's hand on the class board. Not in the help line:
  // a learner outside a class has no use for it; the README's UI section names it.
  { action: 'hand', keys: [{ input: '?' }], screens: ['list', 'stage'] },
  // Presenter mode only: the stage view lists it in its help when it has notes to show.
  { action: 'notes', keys: [{ input: 'n' }], screens: ['stage'] },
  // The panes. The quiz pane lists its letters itself: a question has as many as it has choices.
  { action: 'choose', keys: [...QUIZ_LETTERS].map((input) => ({ input })), screens: ['quiz'] },
  { action: 'next', keys: [{ key: 'rightArrow' }, { key: 'return' }, { input: ' ' }], screens: ['walkthrough'], label: '←→', help: 'frame' },
  { action: 'next', keys: [{ key: 'rightArrow' }], screens: ['quiz'], label: '←→', help: 'question' },
  { action: 'previous', keys: [{ key: 'leftArrow' }], screens: ['walkthrough', 'quiz'] },
  { action: 'close', keys: [{ key: 'escape' }], screens: ['walkthrough', 'quiz'], label: 'esc', help: 'back' },
];

function matches(spec: KeySpec, input: string, key: Key): boolean {
  if ('key' in spec) return key[spec.key];
  if (spec.ctrl) return key.ctrl && input === spec.input;
  return !key.ctrl && !key.meta && input === spec.input;
}

/**
 * Calls `handle` once per key: a terminal may deliver keys typed fast (or held down) as one chunk
 * of text, such as "jjj", which is three presses of j.
 */
export function eachKey(input: string, key: Key, handle: (input: string, key: Key) => void): void {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta) return handle(input, key);
  for (const char of chars) handle(char, key);
}

/** The action a key press means on this screen now, if any. */
export function actionFor(screen: Screen, activity: Activity, input: string, key: Key): KeyAction | undefined {
  const binding = keymap.find(
    (b) => b.screens.includes(screen) && (b.when?.(activity) ?? true) && b.keys.some((spec) => matches(spec, input, key)),
  );
  return binding?.action;
}

export interface KeyHelpItem {
  keys: string;
  help: string;
}

/** The key help line's items: the keys that do something on this screen now (and, for this stage, `offers`). */
export function keyHelp(screen: Screen, activity: Activity, offers: (action: KeyAction) => boolean = () => true): KeyHelpItem[] {
  return keymap
    .filter((b) => b.label && b.help && b.screens.includes(screen) && (b.when?.(activity) ?? true) && offers(b.action))
    .map((b) => ({ keys: b.label!, help: b.help! }));
}

/** The lab event an action sends; undefined for actions only the interface handles. */
export function eventFor(action: KeyAction, target: { stageId?: string; stepIndex?: number }): LabEvent | undefined {
  switch (action) {
    case 'open':
      return target.stageId === undefined ? undefined : { type: 'user.open', stageId: target.stageId };
    case 'run':
      return target.stepIndex === undefined ? undefined : { type: 'user.runStep', index: target.stepIndex };
    case 'stop':
      return { type: 'user.stop' };
    case 'check':
      return { type: 'user.check' };
    case 'solve':
      return { type: 'user.solve' };
    case 'reset':
      return { type: 'user.reset' };
    case 'back':
      return { type: 'user.back' };
    default:
      return undefined;
  }
}
