import type { TopologyServer } from '../../runtime/topology.js';
import { textWidth, truncate } from '../layout.js';
import type { Theme, Tone } from '../theme.js';

/** A run of text in one tone; a row of them is one line of the topology panel or board. */
export interface Segment {
  text: string;
  tone?: Tone;
}

export type Row = Segment[];

export function icon(running: boolean, theme: Theme): Segment {
  return running ? { text: '●', tone: theme.checkTone.pass } : { text: '✖', tone: theme.checkTone.fail };
}

/** A created, not yet started server (a deploy under way) is pending, not stopped. */
export function dot(server: TopologyServer, theme: Theme): Segment {
  if (server.running) return { text: '●', tone: theme.checkTone.pass };
  if (server.state === 'created' || server.state === 'restarting') return { text: theme.checkIcon.pending, tone: theme.checkTone.pending };
  return { text: '✖', tone: theme.checkTone.fail };
}

export const rowWidth = (row: Row): number => row.reduce((sum, segment) => sum + textWidth(segment.text), 0);

/** Cuts a row to `width` columns, ending in "…" when it had to cut. */
export function fit(row: Row, width: number): Row {
  if (rowWidth(row) <= width) return row;
  const out: Row = [];
  let left = width;
  for (const segment of row) {
    const size = textWidth(segment.text);
    if (size < left) {
      out.push(segment);
      left -= size;
      continue;
    }
    // The row goes on past this segment, so it always ends in "…".
    out.push({ ...segment, text: truncate(`${segment.text}…`, left) });
    break;
  }
  return out;
}
