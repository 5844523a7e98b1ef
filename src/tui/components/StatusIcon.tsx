import { Text } from 'ink';
import type { StageStatus } from '../../statechart/selectors.js';
import { padEnd, textWidth } from '../layout.js';
import type { Theme } from '../theme.js';

/** A stage's status as a symbol and a space, padded so rows line up (a lock emoji is two columns wide, a tick one). */
export function StatusIcon({ status, theme }: { status: StageStatus; theme: Theme }) {
  const width = Math.max(...Object.values(theme.stageIcon).map(textWidth)) + 1;
  return <Text {...theme.stageTone[status]}>{padEnd(theme.stageIcon[status], width)}</Text>;
}
