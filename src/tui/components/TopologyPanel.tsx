import type { StagePanel } from '../../lessons/schema.js';
import type { Topology, TopologyBackend, TopologyConsul, TopologyLb, TopologyServer } from '../../runtime/topology.js';
import { textWidth } from '../layout.js';
import type { Theme } from '../theme.js';
import { SegmentRows } from './SegmentRows.js';
import { dot, fit, icon, rowWidth, type Row, type Segment } from './segments.js';

/** Whether the app should follow the engine while a stage with this panel is open. */
export const watchesTopology = (panel: StagePanel): boolean => panel !== 'none';

export function showsTopology(panel: StagePanel, topology: Topology | undefined): topology is Topology {
  return topology !== undefined && panel !== 'none';
}

/**
 * What the panel shows: the lab's containers, or, in a stage whose services run inside lab machines,
 * the hosts (and the registry) only — what this engine runs besides them is an earlier stage's.
 */
export function stageTopology(panel: StagePanel, topology: Topology): Topology {
  if (panel !== 'machines') return topology;
  const { consul: _consul, ...rest } = topology;
  return { ...rest, servers: [], lbs: [], machines: topology.machines ?? [] };
}

/** Beyond this many LBs, the last row sums up the rest, so the panel stays within 4 rows (6 with Consul). */
const MAX_LB_ROWS = 3;

/** The panel as rows of coloured segments, each row at most `width` columns. */
export function topologyRows(topology: Topology, width: number, theme: Theme): Row[] {
  const lbs = topology.lbs.length > MAX_LB_ROWS ? topology.lbs.slice(0, MAX_LB_ROWS - 1) : topology.lbs;
  const rest = topology.lbs.slice(lbs.length);
  return [
    ...(topology.machines ? [machineRow(topology, width, theme)] : []),
    ...(showsServerRow(topology) ? [serverRow(topology, width, theme)] : []),
    ...(topology.consul ? consulRows(topology.consul, topology.lbs, width, theme) : []),
    ...lbs.map((lb) => lbRow(lb, width, theme)),
    ...(rest.length > 0 ? [fit([{ text: `+ ${rest.length} more load balancers, ${rest.filter((lb) => lb.running).length} running`, tone: theme.tone.muted }], width)] : []),
  ];
}

/** `hosts  web ● lb ● consul ✖ exited`: the lab machines, each its own engine. */
export function machineRow(topology: Topology, width: number, theme: Theme): Row {
  const machines = topology.machines ?? [];
  const running = machines.filter((m) => m.running).length;
  if (machines.length === 0) return fit([{ text: 'hosts none yet: `lab machine create NAME` makes one', tone: theme.tone.muted }], width);
  return fit(
    [
      { text: 'hosts', tone: theme.tone.muted },
      ...machines.flatMap((m): Segment[] => [{ text: ` ${m.name} ` }, icon(m.running, theme), ...(m.running ? [] : [{ text: ` ${m.state}`, tone: theme.checkTone.fail }])]),
      { text: `  ${running}/${machines.length} up`, tone: theme.tone.muted },
      ...(topology.registry ? [{ text: ' · registry ', tone: theme.tone.muted }, icon(topology.registry.running, theme)] : []),
    ],
    width,
  );
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

// ---------------------------------------------------------------------------------------------
// Consul (stage 4)

/**
 * `consul ★●✖●● leader simple_consul_2 · catalog 4/5 passing ✖ server_3`, and while an LB runs,
 * `backends lb1 lb2 → server_1 server_2 server_4`: the row count depends only on what exists, so the
 * layout does not jump as Consul answers.
 */
function consulRows(consul: TopologyConsul, lbs: TopologyLb[], width: number, theme: Theme): Row[] {
  const running = lbs.filter((lb) => lb.running);
  return [consulRow(consul, width, theme), ...(running.length > 0 ? [backendsRow(consul, running, width, theme)] : [])];
}

function consulRow(consul: TopologyConsul, width: number, theme: Theme): Row {
  const leader = consul.servers.find((server) => server.leader);
  const passing = consul.instances.filter((instance) => instance.passing).length;
  const failing = consul.instances.filter((instance) => !instance.passing).map((instance) => instance.node);
  const head: Row = [
    { text: 'consul ', tone: theme.tone.muted },
    ...consulDots(consul, theme),
    ...(consul.servers.length === 0 ? [] : [{ text: ' ' }]),
    leader ? { text: `leader ${leader.name}` } : { text: 'no leader', tone: theme.tone.warning },
    { text: ' · catalog ', tone: theme.tone.muted },
    consul.instances.length === 0 ? { text: 'empty', tone: theme.tone.muted } : { text: `${passing}/${consul.instances.length} passing` },
  ];
  // That Consul does not answer matters more than which instances fail: the names give way first.
  const stale: Row = consul.stale ? [{ text: ' · not answering', tone: theme.tone.warning }] : [];
  if (failing.length === 0) return fit([...head, ...stale], width);
  const room = width - rowWidth(head) - rowWidth(stale) - 3;
  const shown = namesWithin(failing, room);
  // No name fits: the count before them says how many fail.
  return fit([...head, ...(shown ? [{ text: ` ✖ ${shown}`, tone: theme.checkTone.fail }] : []), ...stale], width);
}

/** As many whole names as fit in `room` (then "…"), in brace form when that fits all; '' when not even one fits. */
function namesWithin(names: string[], room: number): string {
  const all = nameList(names, room);
  if (textWidth(all) <= room) return all;
  let shown = '';
  for (const name of names) {
    const next = shown === '' ? name : `${shown} ${name}`;
    if (textWidth(`${next} …`) > room) break;
    shown = next;
  }
  return shown === '' ? '' : `${shown} …`;
}

/** Consul servers as dots: ★ the leader, ● running, ✖ stopped. */
export function consulDots(consul: TopologyConsul, theme: Theme): Row {
  const row: Row = [];
  for (const server of consul.servers) {
    const next = server.leader ? { text: '★', tone: theme.checkTone.pass } : server.running ? { text: '●', tone: theme.checkTone.pass } : { text: '✖', tone: theme.checkTone.fail };
    const last = row.at(-1);
    if (last && last.tone === next.tone) last.text += next.text;
    else row.push(next);
  }
  return row;
}

/** `backends lb1 lb2 → server_1 server_2 · lb3 → none`: LBs that send requests to the same servers share a group. */
function backendsRow(consul: TopologyConsul, running: TopologyLb[], width: number, theme: Theme): Row {
  const groups = lbGroups(consul, running.map((lb) => lb.name));
  const label: Segment = { text: 'backends ', tone: theme.tone.muted };
  const build = (compact: boolean): Row =>
    groups.flatMap(({ lbs, nodes }, index) => [
      ...(index > 0 ? [{ text: ' · ', tone: theme.tone.muted }] : []),
      { text: `${lbs.map(shortLbName).join(' ')} → ` },
      nodes === undefined
        ? { text: '?', tone: theme.tone.muted }
        : nodes.length === 0
          ? { text: 'none', tone: theme.checkTone.fail }
          : { text: compact ? nameList(nodes, 0) : nodes.join(' ') },
    ]);
  const full = [label, ...build(false)];
  return fit(rowWidth(full) <= width ? full : [label, ...build(true)], width);
}

/** Running LBs grouped by the backends they send requests to (undefined: not known yet), in LB order. */
export function lbGroups(consul: TopologyConsul, lbs: string[]): { lbs: string[]; nodes?: string[] }[] {
  const groups = new Map<string, { lbs: string[]; nodes?: string[] }>();
  for (const lb of lbs) {
    const backends = consul.lbBackends[lb];
    const nodes = backends?.map(backendName);
    const key = nodes ? nodes.join(' ') : '?';
    const group = groups.get(key);
    if (group) group.lbs.push(lb);
    else groups.set(key, { lbs: [lb], ...(nodes ? { nodes } : {}) });
  }
  return [...groups.values()];
}

/** The server a backend stands for: its node (a DNS-mode slot), or its own name. */
export const backendName = (backend: TopologyBackend): string => backend.node ?? backend.name;

/** simple_haproxy_2 → lb2. */
export const shortLbName = (name: string): string => {
  const index = /_(\d+)$/.exec(name)?.[1];
  return index ? `lb${index}` : name;
};

/**
 * Names joined by spaces when they fit in `room` columns; otherwise, when they share a prefix, in
 * brace form (`server_{2,3,5}`), which the row then cuts if it must.
 */
export function nameList(names: string[], room: number): string {
  const plain = names.join(' ');
  if (textWidth(plain) <= room || names.length < 2) return plain;
  const parts = names.map((name) => /^(.*_)(\d+)$/.exec(name));
  const prefix = parts[0]?.[1];
  if (!prefix || parts.some((part) => part?.[1] !== prefix)) return plain;
  return `${prefix}{${parts.map((part) => part![2]).join(',')}}`;
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



const consulRowCount = (topology: Topology): number => (topology.consul ? 1 + (topology.lbs.some((lb) => lb.running) ? 1 : 0) : 0);

/** With machines, the servers live inside them: this engine's server row shows only if some run here. */
const showsServerRow = (topology: Topology): boolean => topology.machines === undefined || topology.servers.length > 0;

export const topologyRowCount = (topology: Topology): number =>
  (topology.machines ? 1 : 0) + (showsServerRow(topology) ? 1 : 0) + consulRowCount(topology) + Math.min(topology.lbs.length, MAX_LB_ROWS);

/** The lab's servers and load balancers (and Consul, in stage 4) as they are now, in at most six rows. */
export function TopologyPanel({ topology, width, theme }: { topology: Topology; width: number; theme: Theme }) {
  return <SegmentRows rows={topologyRows(topology, width, theme)} />;
}
