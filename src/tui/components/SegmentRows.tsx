import { Box, Text } from 'ink';
import type { Row } from './segments.js';

/** Rows of toned segments, one line each, cut at the edge rather than wrapped. */
export function SegmentRows({ rows }: { rows: Row[] }) {
  return (
    <Box flexDirection="column" height={rows.length}>
      {rows.map((row, index) => (
        <Text key={index} wrap="truncate-end">
          {row.map((segment, at) => (
            <Text key={at} {...segment.tone}>
              {segment.text}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
