import type { CheckResult } from '../../checks/types.js';
import { wrap } from '../layout.js';
import type { Theme } from '../theme.js';
import { Lines, type Line } from './Lines.js';

/** A check of the stage, and its result once it has finished. */
export interface CheckRow {
  title: string;
  result?: CheckResult;
}

export interface CheckListProps {
  checks: CheckRow[];
  /** Set once every check has finished. */
  passed?: boolean;
  width: number;
  /** Rows available; the summary line is kept, hints give way first. */
  height: number;
  theme: Theme;
  /** Live checks show only the first failing check's hint: the pane stays small while the learner works. */
  firstHintOnly?: boolean;
}

/** Each check as it finishes (✔ ✖ !), the hint beneath a failed one, and the verdict. */
export function checkLines({ checks, passed, width, theme, firstHintOnly = false }: Omit<CheckListProps, 'height'>): Line[] {
  const lines: Line[] = [];
  let hinted = false;
  for (const { title, result } of checks) {
    const status = result?.status ?? 'pending';
    const text = `${theme.checkIcon[status]} ${title}${result ? `: ${result.summary}` : ''}`;
    wrap(text, width - 2).forEach((part, index) => lines.push({ text: index === 0 ? part : `  ${part.trimStart()}`, tone: theme.checkTone[status] }));
    if (result?.hint && result.status !== 'pass' && !(firstHintOnly && hinted)) {
      hinted = true;
      for (const part of wrap(result.hint, width - 4)) lines.push({ text: `    ${part}`, tone: theme.tone.muted });
    }
  }
  if (passed === true) lines.push({ text: `${theme.checkIcon.pass} Stage passed. Press esc for the stage list.`, tone: theme.tone.success });
  if (passed === false) {
    const failed = checks.filter((c) => c.result && c.result.status === 'fail').length;
    lines.push({ text: `${theme.checkIcon.fail} ${failed} of ${checks.length} checks failed. Fix what the hints say, then press c again.`, tone: theme.tone.danger });
  }
  return lines;
}

export function CheckList(props: CheckListProps) {
  return <Lines lines={fitLines(checkLines(props), props.height, props.passed !== undefined)} />;
}

/** At most `height` lines; when cut, the last line says so, and the verdict line survives. */
export function fitLines(lines: Line[], height: number, keepLast: boolean): Line[] {
  if (lines.length <= height) return lines;
  if (height <= 0) return [];
  const last = keepLast ? lines.slice(-1) : [];
  const room = height - last.length - 1;
  if (room < 0) return last.slice(0, height);
  return [...lines.slice(0, room), { text: `… ${lines.length - room - last.length} more lines`, tone: {} }, ...last];
}
