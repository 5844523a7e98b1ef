/**
 * The Consul containers of stage 4 (service-discovery), described once as ContainerSpecs: the deploy
 * creates them through the Docker API, `--dry-run` and the lesson print them as `docker run` lines.
 * Pure: names, ports, labels and command lines from a few numbers and names.
 *
 * Two kinds of container run the simple-consul image:
 * - a server, `simple_consul_i` on simple-network, its HTTP API and UI published on 127.0.0.1:(8500+i);
 * - an agent sidecar, `<container>_agent`, in the network namespace of the container it serves
 *   (`--network container:server_1`): it reaches that server's port 8080 on localhost for the health
 *   check, gossips from the server's address, and shows in Consul as a node named after the server.
 *   Next to a load balancer it registers nothing and answers `consul watch` on 127.0.0.1:8500.
 */
import { createHash } from 'node:crypto';
import { type ContainerSpec, toDockerArgs } from './container-spec.js';
import { labLabels, consulServerName, CONSUL_IMAGE, NETWORK, agentName, ROLE_CONSUL_AGENT, ROLE_CONSUL, LABEL_AGENT_OF } from './names.js';

export const CONSUL_STAGE = 'service-discovery';
export const DATACENTER = 'exampledc1';
export const SERVICE_NAME = 'simple-service';
export const SERVICE_PORT = 8080;
/** Where the simple-consul image keeps consul/*.hcl and simple-service.json. */
export const CONSUL_CONFIG_DIR = '/consul/config';

/** The article's deploy script starts five servers. */
export const DEFAULT_CONSUL_SERVERS = 5;
export const MAX_CONSUL_SERVERS = 9;

/** 8501 for simple_consul_1 … 8509. */
export const consulUiPort = (index: number): number => 8500 + index;

/** simple_consul_1 … simple_consul_N. */
export function consulServerNames(count: number): string[] {
  assertCount(count);
  return Array.from({ length: count }, (_, i) => consulServerName(i + 1));
}

export interface ConsulSpecOptions {
  network?: string;
  image?: string;
  /** More labels (the deploy's id, …); the lab's own keys are set here and win. */
  labels?: Record<string, string>;
}

/**
 * `consul agent` for server `index` of `count`: it waits for `count` servers (bootstrap-expect)
 * before the first election, and finds them by container name, trying every second until they answer.
 */
export function consulServerCommand(index: number, count: number): string[] {
  const servers = consulServerNames(count);
  if (!Number.isInteger(index) || index < 1 || index > count) throw new Error(`Consul server index ${index} is not within 1..${count}`);
  return [
    'consul', 'agent',
    `-config-file=${CONSUL_CONFIG_DIR}/server.hcl`,
    `-node=${consulServerName(index)}`,
    `-bootstrap-expect=${count}`,
    ...servers.map((server) => `-retry-join=${server}`),
  ];
}

export function consulServerSpec(index: number, count: number, options: ConsulSpecOptions = {}): ContainerSpec {
  const name = consulServerName(index);
  return {
    name,
    image: options.image ?? CONSUL_IMAGE,
    network: options.network ?? NETWORK,
    ports: [{ containerPort: 8500, hostPort: consulUiPort(index) }],
    labels: { ...options.labels, ...labLabels(CONSUL_STAGE, ROLE_CONSUL) },
    command: consulServerCommand(index, count),
  };
}

export function consulServerSpecs(count: number, options: ConsulSpecOptions = {}): ContainerSpec[] {
  return consulServerNames(count).map((_, i) => consulServerSpec(i + 1, count, options));
}

export interface AgentOptions extends Omit<ConsulSpecOptions, 'network'> {
  /** The container whose network namespace the agent joins; also the Consul node name. */
  container: string;
  /** The Consul servers to join (container names or addresses). */
  servers: string[];
  /** Register `simple-service` (port 8080, health check on /health): true next to a server. */
  registerService: boolean;
}

/**
 * `consul agent` as a client. `-join` (not `-retry-join`): the agent joins before it starts syncing
 * with the catalog, so a new server is registered within milliseconds. With `-retry-join` the first
 * sync runs before the join, fails ("No known Consul servers"), and Consul 1.8 waits a random 0–3 s
 * before the next one. `-join` fails the agent only when none of the servers answers.
 */
export function agentCommand(options: Pick<AgentOptions, 'container' | 'servers' | 'registerService'>): string[] {
  if (options.servers.length === 0) throw new Error('A Consul agent needs at least one server to join');
  return [
    'consul', 'agent',
    `-config-file=${CONSUL_CONFIG_DIR}/agent.hcl`,
    ...(options.registerService ? [`-config-file=${CONSUL_CONFIG_DIR}/simple-service.json`] : []),
    `-node=${options.container}`,
    `-node-id=${nodeId(options.container)}`,
    ...options.servers.map((server) => `-join=${server}`),
  ];
}

export function agentSidecarSpec(options: AgentOptions): ContainerSpec {
  return {
    name: agentName(options.container),
    image: options.image ?? CONSUL_IMAGE,
    // No ports and no network of its own: it lives in the served container's namespaces, its network
    // (the check reaches the service on localhost) and its processes: when the served container
    // ends, for `docker rm -f` or any other reason, the kernel ends the agent too, and the engine
    // removes it. No orphan agent is left, cut off, to be cleaned up later.
    network: `container:${options.container}`,
    pid: `container:${options.container}`,
    autoRemove: true,
    labels: { ...options.labels, ...labLabels(CONSUL_STAGE, ROLE_CONSUL_AGENT), [LABEL_AGENT_OF]: options.container },
    command: agentCommand(options),
  };
}

/** The exact line a learner would type for the same container. */
export function dockerRunLine(spec: ContainerSpec): string {
  return `docker run -d ${toDockerArgs(spec).join(' ')}`;
}

function assertCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_CONSUL_SERVERS) {
    throw new Error(`The number of Consul servers must be a whole number within 1..${MAX_CONSUL_SERVERS}, not ${count}`);
  }
}

/**
 * The same node id for every agent of one name. Consul gives a new agent a random id; one that comes
 * back under the name of a node it still holds as failed (a server re-created by a deploy or the
 * drill) was refused until that node was reaped: 30-40 s here, minutes on an emulated VM. With the
 * old node's id it is that node, back at a new address.
 */
export function nodeId(name: string): string {
  const hex = createHash('sha256').update(`dockerlab consul node ${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
