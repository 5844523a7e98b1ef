import type { Topology, TopologyConsul, TopologyLb, TopologyServer } from '../../runtime/topology.js';
import { padEnd, textWidth } from '../layout.js';
import type { Theme } from '../theme.js';
import { SegmentRows } from './SegmentRows.js';
import { dot, fit, icon, rowWidth, type Row, type Segment } from './segments.js';
import { backendName, consulDots, machineRow, nameList } from './TopologyPanel.js';


/** Rows a row of server boxes takes: border, name, state, border. */
const BOX_ROWS = 4;
/** Beyond this many LBs, the last row sums up the rest. */
const MAX_LB_ROWS = 4;
const MARK = '◀';

/**
 * The projector's view of the lab (`lab --presenter`): every server as a box with its name and state
 * (or, when there are too many for boxes, as a grid of named cells), the server each load balancer
 * sent its last request to marked ◀, and each load balancer with the backends it served last. In
 * stage 4, a Consul section between them: its servers (the leader ★), the catalog's instances with
 * their health, and the backends each load balancer sends requests to.
 * Pure: at most `height` rows, each at most `width` columns.
 */
export function boardRows(topology: Topology, width: number, height: number, theme: Theme): Row[] {
  if (height <= 0) return [];
  // Consul leaves the load balancers their title and up to two rows; the servers take what is left.
  const consulBlock = topology.consul
    ? consulSection(topology.consul, topology.lbs, width, Math.max(0, height - 3 - Math.min(3, lbSection(topology, width, height, theme).length)), theme)
    : [];
  const lbBlock = lbSection(topology, width, Math.max(0, height - 3 - consulBlock.length), theme);
  const serverRoom = Math.max(1, height - 1 - consulBlock.length - lbBlock.length);
  const machines = topology.machines ? [machineRow(topology, width, theme)] : [];
  // In the machine stages the servers run inside the machines: no "no servers yet" advice here.
  const servers = topology.machines && topology.servers.length === 0 ? [] : serverSection(topology, width, Math.max(1, serverRoom - machines.length), theme);
  return [headerRow(topology, width, theme), ...machines, ...servers, ...consulBlock, ...lbBlock].slice(0, height);
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

// ---------------------------------------------------------------------------------------------
// Consul (stage 4)

/** The width of the label column of the Consul section: `servers`, `catalog`, `backends`. */
const LABEL_WIDTH = 10;

/**
 * CONSUL with who leads and how much of the catalog passes; then, as room allows, the servers
 * (★ leader, ● running, ✖ stopped), the catalog's instances (✔ passing, ✖ failing: shown first
 * when not all fit) and each running load balancer's backends.
 */
function consulSection(consul: TopologyConsul, lbs: TopologyLb[], width: number, room: number, theme: Theme): Row[] {
  if (room <= 0) return [];
  const title = consulTitle(consul, width, theme);
  const running = lbs.filter((lb) => lb.running).map((lb) => lb.name);
  // Each part gets one row first, then more as room allows: backends, the catalog, the servers.
  let extra = room - 1;
  const take = (wanted: number): number => {
    const rows = Math.max(0, Math.min(wanted, extra));
    extra -= rows;
    return rows;
  };
  const serverRows = take(1);
  const catalogRows = take(1);
  const backendRows = take(running.length > 0 ? 1 : 0);
  const moreBackendRows = backendRows > 0 ? take(running.length - 1) : 0;
  const moreCatalogRows = catalogRows > 0 ? take(Math.max(0, instanceCells(consul, width, theme).rows - 1)) : 0;
  const moreServerRows = serverRows > 0 ? take(Math.max(0, consulCells(consul, width, theme).rows - 1)) : 0;
  return [
    title,
    ...(serverRows > 0 ? consulServerRows(consul, width, serverRows + moreServerRows, theme) : []),
    ...(catalogRows > 0 ? catalogRowsOf(consul, width, catalogRows + moreCatalogRows, theme) : []),
    ...(backendRows > 0 ? backendRowsOf(consul, running, width, backendRows + moreBackendRows, theme) : []),
  ];
}

function consulTitle(consul: TopologyConsul, width: number, theme: Theme): Row {
  const leader = consul.servers.find((server) => server.leader);
  const passing = consul.instances.filter((instance) => instance.passing).length;
  return fit([
    { text: 'CONSUL', tone: theme.tone.title },
    // First: it says that everything after it may be out of date.
    ...(consul.stale ? [{ text: '  not answering: last known', tone: theme.tone.warning }] : []),
    { text: '  ' },
    leader ? { text: `★ ${leader.name} leads`, tone: theme.tone.accent } : { text: 'no leader', tone: theme.tone.warning },
    { text: '  ·  catalog ', tone: theme.tone.muted },
    { text: consul.instances.length === 0 ? 'empty' : `${passing} of ${consul.instances.length} instances passing` },
  ], width);
}

const label = (text: string, theme: Theme): Segment => ({ text: padEnd(text, LABEL_WIDTH), tone: theme.tone.muted });
const indent: Segment = { text: ' '.repeat(LABEL_WIDTH) };

/** Cells of equal width after a label column, as many to a row as fit; the last row ends with `more` when not all fit. */
function grid(title: string, cells: Row[], cellWidth: number, width: number, rows: number, more: (hidden: number) => Segment, theme: Theme): Row[] {
  const perRow = Math.max(1, Math.floor((width - LABEL_WIDTH + 2) / (cellWidth + 2)));
  let shown = Math.min(cells.length, perRow * rows);
  if (shown < cells.length) {
    const firstOfLast = perRow * (rows - 1);
    while (shown > firstOfLast && (shown - firstOfLast) * (cellWidth + 2) + textWidth(more(cells.length - shown).text) > width - LABEL_WIDTH) shown -= 1;
  }
  const placed: Row[] = cells.slice(0, shown);
  if (shown < cells.length) placed.push([more(cells.length - shown)]);
  const out: Row[] = [];
  for (let start = 0; start < placed.length || start === 0; start += perRow) {
    const line = placed.slice(start, start + perRow).flatMap((cell, index) => (index === 0 ? cell : [{ text: '  ' }, ...cell]));
    out.push(fit([start === 0 ? label(title, theme) : indent, ...line], width));
  }
  return out;
}

function consulCells(consul: TopologyConsul, width: number, theme: Theme): { cells: Row[]; cellWidth: number; rows: number } {
  const cellWidth = Math.max(0, ...consul.servers.map((s) => textWidth(s.name))) + 2;
  const cells: Row[] = consul.servers.map((server) => {
    const mark = server.leader ? { text: '★', tone: theme.checkTone.pass } : icon(server.running, theme);
    return [mark, { text: ` ${padEnd(server.name, cellWidth - 2)}`, ...(server.leader ? { tone: theme.tone.accent } : {}) }];
  });
  const perRow = Math.max(1, Math.floor((width - LABEL_WIDTH + 2) / (cellWidth + 2)));
  return { cells, cellWidth, rows: Math.max(1, Math.ceil(cells.length / perRow)) };
}

/** The servers as named cells when they fit the rows given, else as one row of dots. */
function consulServerRows(consul: TopologyConsul, width: number, rows: number, theme: Theme): Row[] {
  const { cells, cellWidth, rows: wanted } = consulCells(consul, width, theme);
  if (wanted <= rows) return grid('servers', cells, cellWidth, width, rows, () => ({ text: '' }), theme);
  const running = consul.servers.filter((s) => s.running).length;
  return [fit([label('servers', theme), ...consulDots(consul, theme), { text: `  ${running} of ${consul.servers.length} running`, tone: theme.tone.muted }], width)];
}

function instanceCells(consul: TopologyConsul, width: number, theme: Theme): { cells: Row[]; cellWidth: number; rows: number } {
  const cellWidth = Math.max(0, ...consul.instances.map((i) => textWidth(i.node))) + 2;
  const cells: Row[] = consul.instances.map((instance) =>
    instance.passing
      ? [{ text: theme.checkIcon.pass, tone: theme.checkTone.pass }, { text: ` ${padEnd(instance.node, cellWidth - 2)}` }]
      : [{ text: theme.checkIcon.fail, tone: theme.checkTone.fail }, { text: ` ${padEnd(instance.node, cellWidth - 2)}`, tone: theme.checkTone.fail }],
  );
  const perRow = Math.max(1, Math.floor((width - LABEL_WIDTH + 2) / (cellWidth + 2)));
  return { cells, cellWidth, rows: Math.max(1, Math.ceil(cells.length / perRow)) };
}

/** The catalog's instances; when not all fit, the failing ones are among those shown. */
function catalogRowsOf(consul: TopologyConsul, width: number, rows: number, theme: Theme): Row[] {
  if (consul.instances.length === 0) return [fit([label('catalog', theme), { text: 'no instance of simple-service registered', tone: theme.tone.muted }], width)];
  const { cellWidth } = instanceCells(consul, width, theme);
  const perRow = Math.max(1, Math.floor((width - LABEL_WIDTH + 2) / (cellWidth + 2)));
  // When not all fit, the count of the rest takes the room of a cell or more.
  const moreCells = Math.ceil((textWidth(`+ ${consul.instances.length} more, ${consul.instances.length} passing`) + 2) / (cellWidth + 2));
  const capacity = consul.instances.length <= perRow * rows ? perRow * rows : Math.max(0, perRow * rows - moreCells);
  let instances = consul.instances;
  if (instances.length > capacity) {
    // Failing first, then passing, each in order: then back in order of the nodes.
    const chosen = new Set([...instances.filter((i) => !i.passing), ...instances.filter((i) => i.passing)].slice(0, capacity).map((i) => i.node));
    instances = [...instances.filter((i) => chosen.has(i.node)), ...instances.filter((i) => !chosen.has(i.node))];
  }
  const { cells } = instanceCells({ ...consul, instances }, width, theme);
  const passingOf = (hidden: number) => instances.slice(instances.length - hidden).filter((i) => i.passing).length;
  return grid('catalog', cells, cellWidth, width, rows, (hidden) => ({ text: `+ ${hidden} more, ${passingOf(hidden)} passing`, tone: theme.tone.muted }), theme);
}

/** `simple_haproxy_1 → server_1 server_2 server_4`, one running load balancer a row. */
function backendRowsOf(consul: TopologyConsul, running: string[], width: number, rows: number, theme: Theme): Row[] {
  const shown = running.length > rows ? running.slice(0, Math.max(0, rows - 1)) : running;
  const nameWidth = Math.max(0, ...shown.map((lb) => textWidth(lb)));
  const out = shown.map((lb, index) => {
    const head: Row = [index === 0 ? label('backends', theme) : indent, { text: `${padEnd(lb, nameWidth)} → ` }];
    const backends = consul.lbBackends[lb];
    if (!backends) return fit([...head, { text: 'not known yet', tone: theme.tone.muted }], width);
    if (backends.length === 0) return fit([...head, { text: 'none: it has no server to send requests to', tone: theme.checkTone.fail }], width);
    return fit([...head, { text: nameList(backends.map(backendName), width - rowWidth(head)) }], width);
  });
  const rest = running.slice(shown.length);
  if (rest.length > 0) out.push(fit([shown.length === 0 ? label('backends', theme) : indent, { text: `+ ${rest.length} more load balancers`, tone: theme.tone.muted }], width));
  return out;
}





/** Rows the board takes at this size: the stage view plans its layout with it. */
export const boardRowCount = (topology: Topology, width: number, height: number, theme: Theme): number => boardRows(topology, width, height, theme).length;

/** The large live topology for a projector; fed by the same source as the TopologyPanel. */
export function TopologyBoard({ topology, width, height, theme }: { topology: Topology; width: number; height: number; theme: Theme }) {
  return <SegmentRows rows={boardRows(topology, width, height, theme)} />;
}
