import { Box, Text } from 'ink';
import type { Topology, TopologyLb, TopologyServer } from '../../runtime/topology.js';
import { padEnd, textWidth, truncate } from '../layout.js';
import type { Theme, Tone } from '../theme.js';

interface Segment {
  text: string;
  tone?: Tone;
}
type Row = Segment[];

/** Rows a row of server boxes takes: border, name, state, border. */
const BOX_ROWS = 4;
/** Beyond this many LBs, the last row sums up the rest. */
const MAX_LB_ROWS = 4;
const MARK = '◀';

/**
 * The projector's view of the lab (`lab --presenter`): every server as a box with its name and state
 * (or, when there are too many for boxes, as a grid of named cells), the server each load balancer
 * sent its last request to marked ◀, and each load balancer with the backends it served last.
 * Pure: at most `height` rows, each at most `width` columns.
 */
export function boardRows(topology: Topology, width: number, height: number, theme: Theme): Row[] {
  if (height <= 0) return [];
  const lbBlock = lbSection(topology, width, Math.max(0, height - 3), theme);
  const serverRoom = Math.max(1, height - 1 - lbBlock.length);
  return [headerRow(topology, width, theme), ...serverSection(topology, width, serverRoom, theme), ...lbBlock].slice(0, height);
}

/** The servers the load balancers sent their latest request to: the board marks them. */
const lastServed = (topology: Topology): Set<string> => new Set(topology.lbs.flatMap((lb) => (lb.running && lb.lastBackends.length > 0 ? [lb.lastBackends.at(-1)!] : [])));

function headerRow(topology: Topology, width: number, theme: Theme): Row {
  const { servers } = topology;
  const running = servers.filter((s) => s.running).length;
  const left: Row = [{ text: 'SERVERS', tone: theme.tone.title }, { text: servers.length === 0 ? '  none yet' : `  ${running}/${servers.length} running` }];
  const right: Row = [
    ...(topology.registry ? [{ text: 'registry ', tone: theme.tone.muted }, icon(topology.registry.running, theme), { text: topology.registry.running ? ' running' : ' stopped' }] : []),
    ...(topology.stale ? [{ text: '  not updating: Docker does not answer', tone: theme.tone.warning }] : []),
  ];
  const gap = width - rowWidth(left) - rowWidth(right);
  return fit(gap >= 2 ? [...left, { text: ' '.repeat(gap) }, ...right] : [...left, { text: '  ' }, ...right], width);
}

function serverSection(topology: Topology, width: number, room: number, theme: Theme): Row[] {
  const { servers } = topology;
  if (servers.length === 0) return [fit([{ text: 'No servers yet: `lab deploy 4` starts four.', tone: theme.tone.muted }], width)];
  const marked = lastServed(topology);
  const boxes = boxRows(servers, marked, width, theme);
  return boxes.length <= room ? boxes : cellRows(servers, marked, width, room, theme);
}

function stateText(server: TopologyServer): string {
  return server.running ? 'running' : server.state;
}

/** Servers as boxes side by side, as many to a row as fit. */
function boxRows(servers: TopologyServer[], marked: Set<string>, width: number, theme: Theme): Row[] {
  const inner = Math.max(...servers.map((s) => Math.max(textWidth(s.name), 2 + textWidth(stateText(s)) + 2)));
  const boxWidth = inner + 4;
  const perRow = Math.max(1, Math.floor((width + 1) / (boxWidth + 1)));
  const rows: Row[] = [];
  for (let start = 0; start < servers.length; start += perRow) {
    const group = servers.slice(start, start + perRow);
    const lines: Row[] = Array.from({ length: BOX_ROWS }, () => []);
    for (const [index, server] of group.entries()) {
      const gap = index === 0 ? [] : [{ text: ' ' }];
      const border = marked.has(server.name) ? theme.tone.accent : theme.tone.muted;
      const status = dot(server, theme);
      const state = `${stateText(server)}${marked.has(server.name) ? ` ${MARK}` : ''}`;
      lines[0]!.push(...gap, { text: `╭${'─'.repeat(inner + 2)}╮`, tone: border });
      lines[1]!.push(...gap, { text: '│ ', tone: border }, { text: padEnd(server.name, inner), tone: theme.tone.title }, { text: ' │', tone: border });
      lines[2]!.push(...gap, { text: '│ ', tone: border }, status, { text: ` ${padEnd(state, inner - 2)}` }, { text: ' │', tone: border });
      lines[3]!.push(...gap, { text: `╰${'─'.repeat(inner + 2)}╯`, tone: border });
    }
    rows.push(...lines.map((line) => fit(line, width)));
  }
  return rows;
}

/** Servers as a grid of `● server_12` cells; when even that does not fit, the last row ends with a count of the rest. */
function cellRows(servers: TopologyServer[], marked: Set<string>, width: number, room: number, theme: Theme): Row[] {
  const cellWidth = Math.max(...servers.map((s) => textWidth(s.name))) + 4;
  const perRow = Math.max(1, Math.floor((width + 2) / (cellWidth + 2)));
  const moreText = (shown: number) => {
    const rest = servers.slice(shown);
    return `+ ${rest.length} more, ${rest.filter((s) => s.running).length} running`;
  };
  let shown = Math.min(servers.length, perRow * room);
  if (shown < servers.length) {
    // The last row gives up cells until the count fits beside them.
    const firstOfLast = perRow * (room - 1);
    while (shown > firstOfLast && (shown - firstOfLast) * (cellWidth + 2) + textWidth(moreText(shown)) > width) shown -= 1;
  }
  const cells: Row[] = servers.slice(0, shown).map((server) => {
    const mark = marked.has(server.name);
    return [dot(server, theme), { text: ` ${padEnd(`${server.name}${mark ? ` ${MARK}` : ''}`, cellWidth - 2)}`, ...(mark ? { tone: theme.tone.accent } : {}) }];
  });
  if (shown < servers.length) cells.push([{ text: moreText(shown), tone: theme.tone.muted }]);
  const rows: Row[] = [];
  for (let start = 0; start < cells.length; start += perRow) {
    rows.push(fit(cells.slice(start, start + perRow).flatMap((cell, index) => (index === 0 ? cell : [{ text: '  ' }, ...cell])), width));
  }
  return rows;
}

/** A title row, then one row per load balancer: name, address, state, and the servers it sent its last requests to. */
function lbSection(topology: Topology, width: number, room: number, theme: Theme): Row[] {
  const { lbs } = topology;
  if (lbs.length === 0 || room < 2) return [];
  const limit = Math.min(room - 1, MAX_LB_ROWS);
  const shown = lbs.length > limit ? lbs.slice(0, Math.max(0, limit - 1)) : lbs;
  const nameWidth = Math.max(...shown.map((lb) => textWidth(lb.name)));
  const rest = lbs.slice(shown.length);
  return [
    fit([{ text: 'LOAD BALANCERS', tone: theme.tone.title }, { text: `  ${MARK} marks the server each one sent its last request to`, tone: theme.tone.muted }], width),
    ...shown.map((lb) => lbRow(lb, nameWidth, width, theme)),
    ...(rest.length > 0 ? [fit([{ text: `+ ${rest.length} more load balancers, ${rest.filter((lb) => lb.running).length} running`, tone: theme.tone.muted }], width)] : []),
  ];
}

function lbRow(lb: TopologyLb, nameWidth: number, width: number, theme: Theme): Row {
  const head: Row = [
    { text: padEnd(lb.name, nameWidth) },
    { text: `  ${padEnd(lb.port ? `127.0.0.1:${lb.port}` : '', 15)}  `, tone: theme.tone.muted },
    icon(lb.running, theme),
  ];
  if (!lb.running) return fit([...head, { text: ` ${lb.state}`, tone: theme.checkTone.fail }], width);
  if (lb.lastBackends.length === 0) return fit([...head, { text: ' running   no requests yet', tone: theme.tone.muted }], width);
  const label: Segment = { text: ' running   last: ', tone: theme.tone.muted };
  // The newest backends win the room; the very last one stands out.
  const room = width - rowWidth(head) - textWidth(label.text);
  const total = lb.lastBackends.length;
  let names: string[] = [];
  for (const name of [...lb.lastBackends].reverse()) {
    const candidate = [name, ...names];
    const cut = candidate.length < total ? '… → ' : '';
    if (textWidth(`${cut}${candidate.join(' → ')} ${MARK}`) > room) break;
    names = candidate;
  }
  const cut: Row = names.length < total ? [{ text: '… → ', tone: theme.tone.muted }] : [];
  const older = names.slice(0, -1).map((name) => `${name} → `).join('');
  return fit([...head, label, ...cut, { text: older }, { text: `${names.at(-1) ?? lb.lastBackends.at(-1)!} ${MARK}`, tone: theme.tone.accent }], width);
}

function icon(running: boolean, theme: Theme): Segment {
  return running ? { text: '●', tone: theme.checkTone.pass } : { text: '✖', tone: theme.checkTone.fail };
}

/** A created, not yet started server (a deploy under way) is pending, not stopped. */
function dot(server: TopologyServer, theme: Theme): Segment {
  if (server.running) return { text: '●', tone: theme.checkTone.pass };
  if (server.state === 'created' || server.state === 'restarting') return { text: theme.checkIcon.pending, tone: theme.checkTone.pending };
  return { text: '✖', tone: theme.checkTone.fail };
}

const rowWidth = (row: Row): number => row.reduce((sum, segment) => sum + textWidth(segment.text), 0);

/** Cuts a row to `width` columns, ending in "…" when it had to cut. */
function fit(row: Row, width: number): Row {
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
    out.push({ ...segment, text: truncate(`${segment.text}…`, left) });
    break;
  }
  return out;
}

/** Rows the board takes at this size: the stage view plans its layout with it. */
export const boardRowCount = (topology: Topology, width: number, height: number, theme: Theme): number => boardRows(topology, width, height, theme).length;

/** The large live topology for a projector; fed by the same source as the TopologyPanel. */
export function TopologyBoard({ topology, width, height, theme }: { topology: Topology; width: number; height: number; theme: Theme }) {
  const rows = boardRows(topology, width, height, theme);
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
