import { observeCatalog, observeQuorum } from '../probes/consul.js';
import { observeBackends } from '../probes/haproxy.js';
import { passingInstances, type ConsulMember, type HealthEntry, type LbBackend } from '../checks/consul-judges.js';
import { parseHaproxyLog } from '../checks/haproxy-log.js';
import { byIndex } from '../deploy/plan.js';
import { MAX_CONSUL_SERVERS } from './consul-specs.js';
import type { ContainerFacts, DockerClient } from './docker.js';
import { followEngineEvents, serial } from './engine-events.js';
import { createEngineHttp, type HttpClient } from './http.js';
import { LABEL_MACHINE, consulServerName, LABEL_ROLE, MANAGED_FILTER } from './names.js';

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

export interface TopologyConsulServer {
  name: string;
  running: boolean;
  /** The server Consul names as its leader (only ever a running one). */
  leader: boolean;
}

export interface TopologyInstance {
  /** The Consul node, which is the server container's name (server_3). */
  node: string;
  /** Every check passes: the load balancers send it requests. */
  passing: boolean;
}

export interface TopologyBackend {
  /** The HAProxy server line: a slot (`server3`) in DNS mode, the node (`server_3`) in watch mode. */
  name: string;
  state: string;
  /** The node behind a DNS-mode slot. */
  node?: string;
}

/** Stage 4: the Consul servers, the catalog's instances of simple-service, and the backends each LB sends requests to. */
export interface TopologyConsul {
  servers: TopologyConsulServer[];
  /** Every registered instance, passing or not, by node. */
  instances: TopologyInstance[];
  /** Each running LB's UP backends, from its runtime API. */
  lbBackends: Record<string, TopologyBackend[]>;
  /** Set when Consul or an LB's runtime API did not answer: what is shown of them is the last thing known. */
  stale?: boolean;
}

export interface TopologyMachine {
  name: string;
  state: string;
  running: boolean;
}

/** The lab's containers as the live panel shows them: plain data, built from facts. */
export interface Topology {
  servers: TopologyServer[];
  lbs: TopologyLb[];
  registry?: { running: boolean };
  /** Lab machines (stages 5 and 6): docker-in-docker hosts, each its own engine. */
  machines?: TopologyMachine[];
  /** Present only while lab Consul servers (simple_consul_N) exist. */
  consul?: TopologyConsul;
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

/** What the watcher last learned from Consul's HTTP API and the LBs' runtime APIs: raw, for buildTopology. */
export interface ConsulObservation {
  /** `ip:8300` of the leader, as `/v1/status/leader` says; '' when there is none. */
  leader: string;
  members: ConsulMember[];
  /** Every registered instance of simple-service with its checks. */
  health: HealthEntry[];
  /** Each running LB's backends, every state. */
  backends: Record<string, LbBackend[]>;
  /** Some part did not answer: that part is the previous observation's. */
  stale?: boolean;
}

/**
 * Pure: the topology from the lab's containers, the log tail of each load balancer and, in stage 4,
 * what Consul and the LBs' runtime APIs said last.
 */
export function buildTopology(containers: ContainerFacts[], lbLogs: Record<string, string[]>, now: number, consul?: ConsulObservation): Topology {
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
  const machines = containers
    .filter((c) => roleOf(c) === 'host' && c.labels[LABEL_MACHINE])
    .map((c) => ({ name: c.labels[LABEL_MACHINE]!, state: c.state, running: c.running }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const consulPart = consulServers(containers).length > 0 ? buildConsul(containers, consul) : undefined;
  return {
    servers,
    lbs,
    ...(registries.length > 0 ? { registry: { running: registries.some((c) => c.running) } } : {}),
    ...(machines.length > 0 ? { machines } : {}),
    ...(consulPart ? { consul: consulPart } : {}),
    updatedAt: now,
  };
}

const indexOf = (name: string): number => Number(/_(\d+)$/.exec(name)?.[1] ?? 0);

/** The lab's Consul server containers (role=consul, simple_consul_N), in order. */
export function consulServers(containers: ContainerFacts[]): ContainerFacts[] {
  return containers
    .filter((c) => roleOf(c) === 'consul' && indexOf(c.name) > 0 && c.name === consulServerName(indexOf(c.name)))
    .sort((a, b) => byIndex(a.name, b.name));
}

/**
 * Pure: the Consul part. Which servers exist and run comes from the containers; the leader, the
 * catalog and the LBs' backends from the observation (none yet: no leader, an empty catalog).
 */
export function buildConsul(containers: ContainerFacts[], observation: ConsulObservation | undefined): TopologyConsul {
  const leader = leaderName(containers, observation);
  const servers = consulServers(containers).map((c) => ({ name: c.name, running: c.running, leader: c.running && c.name === leader }));

  const health = observation?.health ?? [];
  const passing = new Set(passingInstances(health).map(instanceKey));
  const instances = new Map<string, boolean>();
  // A node can be listed twice for a moment (a stale entry next to its new one): passing if either passes.
  for (const entry of health) instances.set(entry.node, (instances.get(entry.node) ?? false) || passing.has(instanceKey(entry)));

  const runningLbs = containers.filter((c) => roleOf(c) === 'lb' && c.running).map((c) => c.name).sort(byIndex);
  const lbBackends: Record<string, TopologyBackend[]> = {};
  for (const lb of runningLbs) {
    const backends = observation?.backends[lb];
    if (!backends) continue;
    lbBackends[lb] = backends
      .filter((backend) => backend.state === 'UP')
      .map(({ name, state, node }) => ({ name, state, ...(node ? { node } : {}) }))
      .sort((a, b) => byIndex(a.node ?? a.name, b.node ?? b.name));
  }
  return {
    servers,
    instances: [...instances].map(([node, isPassing]) => ({ node, passing: isPassing })).sort((a, b) => byIndex(a.node, b.node)),
    lbBackends,
    ...(observation?.stale ? { stale: true } : {}),
  };
}

const instanceKey = (instance: { node: string; address: string; port: number }): string => `${instance.node} ${instance.address}:${instance.port}`;

/** The container of the server member whose address is the leader's; its address on a network when Consul names no such member. */
function leaderName(containers: ContainerFacts[], observation: ConsulObservation | undefined): string | undefined {
  const host = observation?.leader.replace(/:\d+$/, '') ?? '';
  if (host === '') return undefined;
  const member = observation?.members.find((candidate) => candidate.role === 'server' && candidate.address === host);
  if (member) return member.name;
  return consulServers(containers).find((c) => Object.values(c.networks).includes(host))?.name;
}

/**
 * Asks Consul (through the checks' observers) who leads, which instances the catalog holds, and each
 * running LB which backends it has. Never throws: a part that does not answer keeps its value from
 * `previous`, and the observation is marked stale.
 */
export async function observeConsul(docker: DockerClient, http: HttpClient, containers: ContainerFacts[], previous?: ConsulObservation): Promise<ConsulObservation> {
  const count = Math.min(MAX_CONSUL_SERVERS, Math.max(1, ...consulServers(containers).map((c) => indexOf(c.name))));
  const lbs = containers.filter((c) => roleOf(c) === 'lb' && c.running).map((c) => c.name);
  const known = knownContainers(docker, containers);
  const [quorum, catalog, backends] = await Promise.all([
    observeQuorum(known, http, count).catch(() => undefined),
    // The observers list and inspect containers: those already known (from events) answer, not the engine.
    observeCatalog(known, http, count).catch(() => undefined),
    Promise.all(lbs.map((lb) => observeBackends(known, lb).catch(() => undefined))),
  ]);
  let stale = false;
  // A leader of '' with members is an answer (there is none); no member at all is no answer.
  const answered = quorum !== undefined && quorum.members.length > 0;
  if (!answered) stale = true;
  const health = catalog && catalog.error === undefined ? catalog.health ?? [] : undefined;
  if (!health) stale = true;
  const lbBackends: Record<string, LbBackend[]> = {};
  for (const [i, lb] of lbs.entries()) {
    const answer = backends[i];
    if (Array.isArray(answer)) {
      lbBackends[lb] = answer;
      continue;
    }
    stale = true;
    const before = previous?.backends[lb];
    if (before) lbBackends[lb] = before;
  }
  return {
    leader: answered ? quorum.leader : previous?.leader ?? '',
    members: answered ? quorum.members : previous?.members ?? [],
    health: health ?? previous?.health ?? [],
    backends: lbBackends,
    ...(stale ? { stale: true } : {}),
  };
}

/**
 * A client that answers container lists and inspections from the containers given (lists filtered by
 * `key` or `key=value` labels), so a refresh every second adds no listing or inspection of its own;
 * everything else (exec) is `docker`'s, called on `docker` itself.
 */
function knownContainers(docker: DockerClient, containers: ContainerFacts[]): DockerClient {
  const matches = (c: ContainerFacts, filter: string): boolean => {
    const [key = '', value] = filter.split(/=(.*)/s);
    return value === undefined ? key in c.labels : c.labels[key] === value;
  };
  const known: Partial<DockerClient> = {
    listContainers: async (filters = [MANAGED_FILTER]) => containers.filter((c) => filters.every((f) => matches(c, f))),
    inspectContainer: async (name) => containers.find((c) => c.name === name || c.id === name),
  };
  return new Proxy(docker, {
    get(target, property) {
      if (property in known) return known[property as keyof DockerClient];
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The servers of the last requests in an HAProxy log, oldest first; requests no server took are left out. */
export function lastBackends(lines: string[], count = LAST_BACKENDS): string[] {
  const served: string[] = [];
  for (const event of parseHaproxyLog(lines)) {
    if (event.type === 'request' && event.server && !event.server.startsWith('<')) served.push(event.server);
  }
  return served.slice(-count);
}

export interface WatchOptions {
  now?: () => number;
  debounceMs?: number;
  pollMs?: number;
  /** Asks the Consul servers' published APIs (stage 4). */
  http?: HttpClient;
}

/**
 * Follows the lab's containers: built once, rebuilt on the engine's container events (a burst of
 * them, as `lab deploy 50` makes, is one rebuild), and each running LB's log re-read every second
 * while any runs. While Consul servers exist, the same tick (and each rebuild) asks Consul for its
 * leader and catalog and each running LB for its backends; that runs on its own, so a slow Consul
 * (no quorum: each request waits for its timeout) never holds back the containers' changes.
 * It never throws: when the engine stops answering the last topology is marked stale, when Consul
 * does not, its part is. The returned function stops everything.
 */
export function watchTopology(docker: DockerClient, onChange: (topology: Topology) => void, options: WatchOptions = {}): () => void {
  const { now = Date.now, debounceMs = DEBOUNCE_MS, pollMs = LB_POLL_MS, http = createEngineHttp(docker) } = options;
  let stopped = false;
  let stale = false;
  let containers: ContainerFacts[] = [];
  let containersDirty = true;
  let logs: Record<string, string[]> = {};
  let consul: ConsulObservation | undefined;
  let shown: string | undefined;
  let stopEvents: (() => void) | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let poll: ReturnType<typeof setTimeout> | undefined;

  const publish = () => {
    if (stopped) return;
    const topology = { ...buildTopology(containers, logs, now(), consul), ...(stale ? { stale: true } : {}) };
    // The LB logs and Consul are asked every second; the UI hears only of real changes.
    const key = JSON.stringify({ ...topology, updatedAt: 0 });
    if (key === shown) return;
    shown = key;
    try {
      onChange(topology);
    } catch {
      // The listener's own failure is not the watcher's to report.
    }
  };

  const refreshConsul = serial(async () => {
    if (stopped) return;
    if (consulServers(containers).length === 0) {
      // Gone with its containers: a later Consul starts from nothing.
      consul = undefined;
      return;
    }
    consul = await observeConsul(docker, http, containers, consul);
    publish();
  });

  const update = serial(async () => {
    if (containersDirty) {
      containersDirty = false;
      try {
        containers = await docker.listContainers([MANAGED_FILTER]);
        stale = false;
      } catch {
        stale = true;
      }
      // Who leads and what the catalog holds follow the containers: ask without waiting for the tick.
      if (!stale) refreshConsul();
    }
    const runningLbs = containers.filter((c) => roleOf(c) === 'lb' && c.running).map((c) => c.name);
    const tails = await Promise.all(runningLbs.map((name) => docker.logs(name, LB_LOG_TAIL).catch(() => logs[name])));
    logs = Object.fromEntries(runningLbs.flatMap((name, i) => (tails[i] ? [[name, tails[i]]] : [])));
    publish();
    // LB logs and Consul change without container events, so they are polled, and only while an LB or a Consul server exists.
    const polled = runningLbs.length > 0 || consulServers(containers).length > 0;
    if (!stopped && polled && !poll) poll = setTimeout(tick, pollMs);
  });

  const tick = () => {
    poll = undefined;
    update();
    refreshConsul();
  };

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
    stopEvents?.();
  };

  update();
  // Only the lab's containers: the panel draws nothing else.
  stopEvents = followEngineEvents(docker, { types: ['container'], labels: [MANAGED_FILTER] }, { onChange: rebuildSoon, onOpen: rebuildSoon, onLost: lost });
  return stop;
}
