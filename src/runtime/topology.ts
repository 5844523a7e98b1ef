import { parseHaproxyLog } from '../checks/haproxy-log.js';
import { byIndex } from '../deploy/plan.js';
import type { ContainerFacts, DockerClient } from './docker.js';
import { LABEL_ROLE, MANAGED_FILTER } from './labels.js';

export interface TopologyServer {
  name: string;
  state: string;
  running: boolean;
}

export interface TopologyLb {
  name: string;
  state: string;
  running: boolean;
  /** The host port its port 80 is published on; unknown while it is stopped. */
  port?: number;
  /** The servers that answered its last requests, oldest first. */
  lastBackends: string[];
}

/** The lab's containers as the live panel shows them: plain data, built from facts. */
export interface Topology {
  servers: TopologyServer[];
  lbs: TopologyLb[];
  registry?: { running: boolean };
  updatedAt: number;
  /** Set when the engine stopped answering: what is shown is the last thing known. */
  stale?: boolean;
}

export const LAST_BACKENDS = 6;
export const LB_LOG_TAIL = 200;
const DEBOUNCE_MS = 150;
const LB_POLL_MS = 1000;

const SERVER_NAME = /^.+_\d+$/;
const roleOf = (container: ContainerFacts): string | undefined => container.labels[LABEL_ROLE];

/** Pure: the topology from the lab's containers and the log tail of each load balancer. */
export function buildTopology(containers: ContainerFacts[], lbLogs: Record<string, string[]>, now: number): Topology {
  const servers = containers
    .filter((c) => roleOf(c) === 'server' && SERVER_NAME.test(c.name))
    .sort((a, b) => byIndex(a.name, b.name))
    .map(({ name, state, running }) => ({ name, state, running }));
  const lbs = containers
    .filter((c) => roleOf(c) === 'lb')
    .sort((a, b) => byIndex(a.name, b.name))
    .map((c) => {
      const port = (c.ports.find((p) => p.containerPort === 80) ?? c.ports[0])?.hostPort;
      return { name: c.name, state: c.state, running: c.running, ...(port ? { port } : {}), lastBackends: lastBackends(lbLogs[c.name] ?? []) };
    });
  const registries = containers.filter((c) => roleOf(c) === 'registry');
  return {
    servers,
    lbs,
    ...(registries.length > 0 ? { registry: { running: registries.some((c) => c.running) } } : {}),
    updatedAt: now,
  };
}

/** The servers of the last requests in an HAProxy log, oldest first; requests no server took are left out. */
export function lastBackends(lines: string[], count = LAST_BACKENDS): string[] {
  const served: string[] = [];
  for (const event of parseHaproxyLog(lines)) {
    if (event.type === 'request' && event.server && !event.server.startsWith('<')) served.push(event.server);
  }
  return served.slice(-count);
}

/** Lifecycle actions that change what the panel shows; exec and health-check events do not. */
const RELEVANT_ACTIONS = new Set(['create', 'start', 'restart', 'die', 'stop', 'kill', 'destroy', 'rename', 'pause', 'unpause', 'oom']);

function isRelevant(line: string): boolean {
  try {
    const event = JSON.parse(line) as { Action?: string; status?: string };
    return RELEVANT_ACTIONS.has(event.Action ?? event.status ?? '');
  } catch {
    return false;
  }
}

export interface WatchOptions {
  now?: () => number;
  debounceMs?: number;
  pollMs?: number;
}

/**
 * Follows the lab's containers: built once, rebuilt on the engine's container events (a burst of
 * them, as `lab deploy 50` makes, is one rebuild), and each running LB's log re-read every second
 * while any runs. It never throws: when the engine stops answering the last topology is marked
 * stale. The returned function stops everything.
 */
export function watchTopology(docker: DockerClient, onChange: (topology: Topology) => void, options: WatchOptions = {}): () => void {
  const { now = Date.now, debounceMs = DEBOUNCE_MS, pollMs = LB_POLL_MS } = options;
  let stopped = false;
  let stale = false;
  let containers: ContainerFacts[] = [];
  let containersDirty = true;
  let logs: Record<string, string[]> = {};
  let shown: string | undefined;
  let events: NodeJS.ReadableStream | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let poll: ReturnType<typeof setTimeout> | undefined;

  const publish = () => {
    if (stopped) return;
    const topology = { ...buildTopology(containers, logs, now()), ...(stale ? { stale: true } : {}) };
    // The LB logs are re-read every second; the UI hears only of real changes.
    const key = JSON.stringify({ ...topology, updatedAt: 0 });
    if (key === shown) return;
    shown = key;
    try {
      onChange(topology);
    } catch {
      // The listener's own failure is not the watcher's to report.
    }
  };

  const update = serial(async () => {
    if (containersDirty) {
      containersDirty = false;
      try {
        containers = await docker.listContainers([MANAGED_FILTER]);
        stale = false;
      } catch {
        stale = true;
      }
    }
    const runningLbs = containers.filter((c) => roleOf(c) === 'lb' && c.running).map((c) => c.name);
    const tails = await Promise.all(runningLbs.map((name) => docker.logs(name, LB_LOG_TAIL).catch(() => logs[name])));
    logs = Object.fromEntries(runningLbs.flatMap((name, i) => (tails[i] ? [[name, tails[i]]] : [])));
    publish();
    // LB logs change without container events, so they are polled, and only while an LB runs.
    if (!stopped && runningLbs.length > 0 && !poll) poll = setTimeout(() => ((poll = undefined), update()), pollMs);
  });

  const rebuildSoon = () => {
    if (stopped) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      containersDirty = true;
      update();
    }, debounceMs);
  };

  const lost = () => {
    if (stopped) return;
    stale = true;
    publish();
    stop();
  };

  const stop = () => {
    stopped = true;
    clearTimeout(debounce);
    clearTimeout(poll);
    (events as { destroy?: () => void } | undefined)?.destroy?.();
    events = undefined;
  };

  update();
  docker.api.getEvents({ filters: { type: ['container'], label: [MANAGED_FILTER] } }).then(
    (stream) => {
      if (stopped) return (stream as { destroy?: () => void }).destroy?.();
      events = stream;
      let partial = '';
      stream.on('data', (chunk: Buffer | string) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        if (lines.some(isRelevant)) rebuildSoon();
      });
      stream.on('error', lost);
      stream.on('end', lost);
      // A change between the first listing and the stream opening would have no event: list again.
      rebuildSoon();
    },
    lost,
  );
  return stop;
}

/** Runs `task` one at a time; a call while it runs asks for one more run after it. Never rejects. */
function serial(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = async () => {
    running = true;
    do {
      again = false;
      await task().catch(() => undefined);
    } while (again);
    running = false;
  };
  return () => {
    if (running) again = true;
    else void run();
  };
}
