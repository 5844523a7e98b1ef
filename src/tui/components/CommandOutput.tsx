import { Box, Text } from 'ink';
import type { Theme } from '../theme.js';

export interface CommandOutputProps {
  /** The tail of the output, at most `height` lines. */
  lines: string[];
  height: number;
  theme: Theme;
}

/** A fixed-height pane of a command's output; lines the lab wrote itself (`$ command`) stand out. */
export function CommandOutput({ lines, height, theme }: CommandOutputProps) {
  const shown = lines.slice(-height);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {shown.map((line, index) => (
        <Text key={index} wrap="truncate-end">
          <Text {...theme.tone.muted}>│ </Text>
          {line.startsWith('$ ') ? <Text {...theme.tone.accent}>{line}</Text> : line || ' '}
        </Text>
      ))}
    </Box>
  );
}
