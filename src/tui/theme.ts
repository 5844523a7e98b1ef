import type { StageStatus } from '../statechart/selectors.js';
import type { CheckStatus } from '../checks/types.js';
import type { ChallengeVerdict } from './view-model.js';

/** The props of ink's <Text> a theme may set. */
export interface Tone {
  color?: string;
  dimColor?: boolean;
  bold?: boolean;
  inverse?: boolean;
}

export type ToneName = 'title' | 'muted' | 'accent' | 'success' | 'danger' | 'warning' | 'selected' | 'code';

export interface Theme {
  color: boolean;
  tone: Record<ToneName, Tone>;
  stageIcon: Record<StageStatus, string>;
  stageTone: Record<StageStatus, Tone>;
  checkIcon: Record<CheckStatus | 'pending', string>;
  checkTone: Record<CheckStatus | 'pending', Tone>;
  /** Marks the selected row, so selection shows without colour too. */
  pointer: string;
  stopped: string;
  /** Marks the live checks' line. */
  live: string;
  bar: { filled: string; empty: string; open: string; close: string };
  rule: string;
  spinner: 'dots' | 'line';
}

const stageLabel: Record<StageStatus, string> = {
  locked: 'locked',
  available: 'not started',
  'in-progress': 'in progress',
  passed: 'passed',
  failed: 'failed',
};

export const statusLabel = (status: StageStatus): string => stageLabel[status];

/**
 * Colours only when the terminal wants them (NO_COLOR unset, a TTY); every state also has a
 * symbol, so nothing is told by colour alone.
 */
export function createTheme(color: boolean): Theme {
  const paint = (tone: Tone): Tone => (color ? tone : pick(tone));
  return {
    color,
    tone: {
      title: paint({ bold: true, color: 'cyan' }),
      muted: paint({ dimColor: true }),
      accent: paint({ color: 'cyan' }),
      success: paint({ color: 'green', bold: true }),
      danger: paint({ color: 'red' }),
      warning: paint({ color: 'yellow' }),
      selected: color ? { inverse: true } : { bold: true },
      code: paint({ color: 'yellow' }),
    },
    stageIcon: { passed: '✔', failed: '✖', 'in-progress': '●', available: '○', locked: color ? '🔒' : '⊘' },
    stageTone: {
      passed: paint({ color: 'green' }),
      failed: paint({ color: 'red' }),
      'in-progress': paint({ color: 'yellow' }),
      available: {},
      locked: paint({ dimColor: true }),
    },
    checkIcon: { pass: '✔', fail: '✖', warn: '!', pending: '○' },
    checkTone: {
      pass: paint({ color: 'green' }),
      fail: paint({ color: 'red' }),
      warn: paint({ color: 'yellow' }),
      pending: paint({ dimColor: true }),
    },
    pointer: '›',
    stopped: '■',
    live: '●',
    bar: color ? { filled: '█', empty: '░', open: '', close: '' } : { filled: '#', empty: '.', open: '[', close: ']' },
    rule: '─',
    spinner: color ? 'dots' : 'line',
  };
}

/** Without colour, keep only emphasis that is not a colour. */
function pick(tone: Tone): Tone {
  return tone.bold ? { bold: true } : {};
}

/** "challenge ✔" in the stage's passed colour, "challenge ✖" in its failed one, "challenge ○" muted. */
export function challengeBadge(verdict: ChallengeVerdict, theme: Theme): { text: string; tone: Tone } {
  if (verdict === 'passed') return { text: `challenge ${theme.stageIcon.passed}`, tone: theme.stageTone.passed };
  if (verdict === 'failed') return { text: `challenge ${theme.stageIcon.failed}`, tone: theme.stageTone.failed };
  return { text: `challenge ${theme.stageIcon.available}`, tone: theme.tone.muted };
}
