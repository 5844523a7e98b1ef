import { Box, Text } from 'ink';
import type { Topology, TopologyLb, TopologyServer } from '../../runtime/topology.js';
import { textWidth, truncate } from '../layout.js';
import type { Theme, Tone } from '../theme.js';

/** Stages about these containers: the panel shows there from the start, empty or not. */
const TOPOLOGY_STAGES = new Set(['horizontal-scale', 'load-balancing']);
/** Later stages on the same engine still run servers and LBs: the panel shows there while any exists. */
const LATER_STAGES = new Set(['service-discovery']);

/** Whether the app should follow the engine while this stage is open. */
export const watchesTopology = (stageId: string): boolean => TOPOLOGY_STAGES.has(stageId) || LATER_STAGES.has(stageId);

export function showsTopology(stageId: string, topology: Topology | undefined): topology is Topology {
  if (!topology) return false;
  return TOPOLOGY_STAGES.has(stageId) || (LATER_STAGES.has(stageId) && topology.servers.length + topology.lbs.length > 0);
}

interface Segment {
  text: string;
  tone?: Tone;
}
type Row = Segment[];

/** Beyond this many LBs, the last row sums up the rest, so the panel stays within 4 rows. */
const MAX_LB_ROWS = 3;

/** The panel as rows of coloured segments, each row at most `width` columns. */
export function topologyRows(topology: Topology, width: number, theme: Theme): Row[] {
  const lbs = topology.lbs.length > MAX_LB_ROWS ? topology.lbs.slice(0, MAX_LB_ROWS - 1) : topology.lbs;
  const rest = topology.lbs.slice(lbs.length);
  return [
    serverRow(topology, width, theme),
    ...lbs.map((lb) => lbRow(lb, width, theme)),
    ...(rest.length > 0 ? [fit([{ text: `+ ${rest.length} more load balancers, ${rest.filter((lb) => lb.running).length} running`, tone: theme.tone.muted }], width)] : []),
  ];
}

/** Servers as a row of dots (● running, ✖ stopped), with how many run; then the registry. */
function serverRow(topology: Topology, width: number, theme: Theme): Row {
  const { servers } = topology;
  const label: Segment = { text: 'servers ', tone: theme.tone.muted };
  const running = servers.filter((s) => s.running).length;
  const suffix: Row = [
    { text: servers.length === 0 ? 'none yet' : ` ${running}/${servers.length} running`, ...(servers.length === 0 ? { tone: theme.tone.muted } : {}) },
    ...(topology.registry ? [{ text: ' · registry ', tone: theme.tone.muted }, icon(topology.registry.running, theme)] : []),
    ...(topology.stale ? [{ text: ' · not updating: Docker does not answer', tone: theme.tone.warning }] : []),
  ];
  const room = width - textWidth(label.text) - rowWidth(suffix);
  const shown = servers.length > room ? servers.slice(0, Math.max(0, room - 1)) : servers;
  const dots = groupDots(shown, theme);
  if (shown.length < servers.length) dots.push({ text: '…', tone: theme.tone.muted });
  return fit([label, ...dots, ...suffix], width);
}

/** `simple_haproxy_1 127.0.0.1:8181 ● last: server_4 server_5 server_6`: the newest backends win the room. */
function lbRow(lb: TopologyLb, width: number, theme: Theme): Row {
  const head: Row = [
    { text: lb.name },
    ...(lb.port ? [{ text: ` 127.0.0.1:${lb.port}`, tone: theme.tone.muted }] : []),
    { text: ' ' },
    icon(lb.running, theme),
  ];
  if (!lb.running) return fit([...head, { text: ` ${lb.state}`, tone: theme.checkTone.fail }], width);
  if (lb.lastBackends.length === 0) return fit([...head, { text: ' no requests yet', tone: theme.tone.muted }], width);
  const label: Segment = { text: ' last:', tone: theme.tone.muted };
  const room = width - rowWidth(head) - textWidth(label.text);
  const shown: string[] = [];
  let used = 0;
  for (const name of [...lb.lastBackends].reverse()) {
    const more = shown.length + 1 < lb.lastBackends.length ? 2 : 0;
    if (used + 1 + textWidth(name) + more > room) break;
    shown.unshift(name);
    used += 1 + textWidth(name);
  }
  const cut = shown.length < lb.lastBackends.length ? [{ text: ' …', tone: theme.tone.muted }] : [];
  return fit([...head, label, ...cut, { text: shown.map((name) => ` ${name}`).join('') }], width);
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

/** Neighbouring dots of the same kind as one segment: fewer nodes for ink to draw. */
function groupDots(servers: TopologyServer[], theme: Theme): Row {
  const row: Row = [];
  for (const server of servers) {
    const next = dot(server, theme);
    const last = row.at(-1);
    if (last && last.tone === next.tone) last.text += next.text;
    else row.push(next);
  }
  return row;
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
    // The row goes on past this segment, so it always ends in "…".
    out.push({ ...segment, text: truncate(`${segment.text}…`, left) });
    break;
  }
  return out;
}

export const topologyRowCount = (topology: Topology): number => 1 + Math.min(topology.lbs.length, MAX_LB_ROWS);

/** The lab's servers and load balancers as they are now, in at most four rows. */
export function TopologyPanel({ topology, width, theme }: { topology: Topology; width: number; theme: Theme }) {
  const rows = topologyRows(topology, width, theme);
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
