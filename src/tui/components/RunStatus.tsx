import { Text } from 'ink';
import Spinner from 'ink-spinner';
import type { Theme } from '../theme.js';
import { Elapsed } from './Elapsed.js';

export interface RunStatusProps {
  label: string;
  /** When the work began, for the ticking clock. */
  since?: number;
  /** Said after the clock, e.g. how to stop. */
  detail?: string;
  theme: Theme;
}

/** A spinner, what is happening, and for how long. */
export function RunStatus({ label, since, detail, theme }: RunStatusProps) {
  return (
    <Text wrap="truncate-end">
      <Text {...theme.tone.accent}>
        <Spinner type={theme.spinner} />
      </Text>{' '}
      {label}
      {since !== undefined ? (
        <Text {...theme.tone.muted}>
          {' · '}
          <Elapsed since={since} />
        </Text>
      ) : null}
      {detail ? <Text {...theme.tone.muted}>{` · ${detail}`}</Text> : null}
    </Text>
  );
}
