import { Text } from 'ink';
import type { Tone } from '../theme.js';

/** One terminal row of text: the layout counts rows, so a line never wraps. */
export interface Line {
  text: string;
  tone?: Tone;
}

export function Lines({ lines }: { lines: Line[] }) {
  return (
    <>
      {lines.map((line, index) => (
        <Text key={index} wrap="truncate-end" {...line.tone}>
          {line.text === '' ? ' ' : line.text}
        </Text>
      ))}
    </>
  );
}
