import { textWidth, wrapText } from '../lessons/text-width.js';

export { textWidth };

/** Cuts plain text to `width` columns, ending in "…" when it had to cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  let out = '';
  for (const char of text) {
    if (textWidth(out + char) > width - 1) break;
    out += char;
  }
  return `${out}…`;
}

/** Plain text as lines of at most `width` columns, its own line breaks kept. */
export function wrap(text: string, width: number): string[] {
  return text.split('\n').flatMap((line) => (line === '' ? [''] : wrapText(line, Math.max(10, width))));
}

/** A command as one line: its first line, and "…" when there is more (or it is too wide). */
export function commandLine(command: string, width: number): string {
  const [first = '', ...rest] = command.split('\n');
  const line = rest.length > 0 ? `${first} …` : first;
  return truncate(line, width);
}

/** Pads to `width` columns with spaces on the right. */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - textWidth(text)));
}

/** "0.4 s", "12 s", "2 m 05 s". */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} m ${String(whole % 60).padStart(2, '0')} s`;
}

/** Elapsed time in whole seconds, for a clock that ticks once a second. */
export function formatElapsed(ms: number): string {
  const whole = Math.max(0, Math.floor(ms / 1000));
  if (whole < 60) return `${whole} s`;
  return `${Math.floor(whole / 60)} m ${String(whole % 60).padStart(2, '0')} s`;
}

export const stageNumber = (n: number): string => String(n).padStart(2, '0');

/** The first row to show so that `selected` is inside a window of `height` rows. */
export function windowStart(count: number, selected: number, height: number): number {
  if (count <= height) return 0;
  return Math.min(Math.max(0, selected - Math.floor(height / 2)), count - height);
}
