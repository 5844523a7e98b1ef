import { Text } from 'ink';
import type { Theme } from '../theme.js';

export interface ProgressBarProps {
  done: number;
  total: number;
  /** Columns for the bar itself, brackets excluded. */
  width: number;
  theme: Theme;
  label?: string;
}

export function ProgressBar({ done, total, width, theme, label = 'passed' }: ProgressBarProps) {
  const filled = total === 0 ? 0 : Math.round((Math.min(done, total) / total) * width);
  const { bar } = theme;
  return (
    <Text wrap="truncate-end">
      {bar.open}
      <Text {...theme.tone.success}>{bar.filled.repeat(filled)}</Text>
      <Text {...theme.tone.muted}>{bar.empty.repeat(width - filled)}</Text>
      {bar.close} {done}/{total} {label}
    </Text>
  );
}
