import type { ContainerSpec } from '../runtime/container-spec.js';
import { labLabels, LABEL_ROLE, LABEL_MACHINE, machineContainer, MACHINE_IMAGE, NETWORK, machineVolume } from '../runtime/names.js';

/**
 * Lab machines: docker-in-docker containers from `dockerlab/host`, each its own Docker engine
 * published on a 127.0.0.1 port. Pure: names, ports, labels and the container spec.
 */
export const MACHINE_STAGE = 'multi-host';
export const FIRST_MACHINE_PORT = 23750;
/** The inner engine's TLS port inside the machine (2376, Docker's port for TLS, as docker-machine's). */
export const ENGINE_PORT = 2376;


/** What `lab machine ls/env` need to know of one machine. */
export interface Machine {
  name: string;
  /** 0 when its container publishes no engine port (it never started). */
  port: number;
  state: string;
  running: boolean;
  /** Its address on the lab network (what `docker-machine ip` prints); '' while stopped. */
  ip: string;
  /** Ports of the machine published on 127.0.0.1, besides the engine's. */
  published: PublishedPort[];
  /**
   * Where this computer reaches the machine's engine port: 127.0.0.1 on a local engine; on a remote
   * one the engine's host, where the port is published on every interface (TLS with a client
   * certificate guards it, as docker-machine's engines).
   */
  address?: string;
}

export const dockerHostUrl = (machine: Pick<Machine, 'port' | 'address'>): string => `tcp://${machine.address ?? '127.0.0.1'}:${machine.port}`;

/** Letters, digits and dashes, starting with a letter or digit: a container, volume and host name at once. */
export function validateMachineName(name: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(name)) return `"${name}" is not a machine name: use lower-case letters, digits and dashes (at most 40), starting with a letter or digit.`;
  return undefined;
}

/** `NAME` alone, or `NAME-1`…`NAME-N` with --count N (as `docker-machine create` run N times would name them). */
export function machineNames(name: string, count: number | undefined): string[] {
  if (count === undefined) return [name];
  return Array.from({ length: count }, (_, i) => `${name}-${i + 1}`);
}

/** The first `count` ports from 23750 up that no lab machine uses and `isFree` accepts. */
export function pickPorts(used: Iterable<number>, count: number, isFree: (port: number) => boolean = () => true): number[] {
  const taken = new Set(used);
  const ports: number[] = [];
  for (let port = FIRST_MACHINE_PORT; ports.length < count && port <= 65535; port += 1) {
    if (!taken.has(port) && isFree(port)) ports.push(port);
  }
  return ports;
}

/**
 * A port of the machine published on this computer's 127.0.0.1 (`--publish 8585:80`). A
 * VirtualBox machine has an address the host can reach; a lab machine is reached through these.
 */
export interface PublishedPort {
  hostPort: number;
  containerPort: number;
}

/** `HOSTPORT:PORT` (or `PORT` for the same number on both sides); a message for anything else. */
export function parsePublish(text: string): PublishedPort | string {
  const match = /^(?:(\d{1,5}):)?(\d{1,5})$/.exec(text.trim());
  const hostPort = Number(match?.[1] ?? match?.[2]);
  const containerPort = Number(match?.[2]);
  const valid = (port: number): boolean => Number.isInteger(port) && port >= 1 && port <= 65535;
  if (!match || !valid(hostPort) || !valid(containerPort)) return `"${text}" is not a port to publish: write HOSTPORT:PORT, e.g. 8585:80.`;
  if (containerPort === ENGINE_PORT) return `Port ${ENGINE_PORT} is the machine's engine, published already.`;
  return { hostPort, containerPort };
}

/**
 * The stage a machine belongs to, for `lab reset STAGE`: the one whose step created it (the lab runs
 * steps with LAB_STAGE set), else multi-host, where machines are introduced.
 */
export function machineStage(env: NodeJS.ProcessEnv = process.env): string {
  const stage = env.LAB_STAGE ?? '';
  return /^[a-z][a-z0-9-]*$/.test(stage) ? stage : MACHINE_STAGE;
}

export function machineLabels(name: string, stage = machineStage()): Record<string, string> {
  return { ...labLabels(stage, 'host'), [LABEL_MACHINE]: name };
}

/**
 * How a machine's container is run on this engine, chosen by what the engine allows
 * (machine-runtime.ts detects it): `--privileged` where the engine grants it, else every capability
 * but CAP_SYS_RESOURCE with no seccomp or AppArmor filter (the bounding set of some sandboxed
 * kernels lacks that one, and --privileged then fails). On cgroup v1 the host's cgroup tree is
 * mounted writable, where the inner engine makes its containers' cgroups; on cgroup v2 the machine
 * gets a cgroup namespace of its own and start-engine.sh makes its root a delegated subtree (the
 * nesting step of docker:dind).
 */
export interface MachineRuntime {
  privileged: boolean;
  cgroupVersion: 1 | 2;
}

/** The recipe of NOTES.md that works on the lab's own kernel: a cgroup v1 engine that refuses --privileged. */
export const CAPABILITY_SET_V1: MachineRuntime = { privileged: false, cgroupVersion: 1 };

/** The machine's container: /run in memory and the inner image store on the machine's own volume. */
export function machineSpec(name: string, port: number, publish: PublishedPort[] = [], runtime: MachineRuntime = CAPABILITY_SET_V1, remoteAddress?: string): ContainerSpec {
  const confinement: Partial<ContainerSpec> = runtime.privileged
    ? { privileged: true }
    : { capAdd: ['ALL'], capDrop: ['SYS_RESOURCE'], securityOpt: ['seccomp=unconfined', 'apparmor=unconfined'] };
  return {
    name: machineContainer(name),
    image: MACHINE_IMAGE,
    hostname: name,
    labels: machineLabels(name),
    network: NETWORK,
    ports: [{ containerPort: ENGINE_PORT, hostPort: port, ...(remoteAddress ? { hostIp: '0.0.0.0' } : {}) }, ...publish],
    // The server certificate names the address the engine is reached at from the lab's computer.
    ...(remoteAddress ? { env: { LAB_MACHINE_ADDRESS: remoteAddress } } : {}),
    ...confinement,
    ...(runtime.cgroupVersion === 2 ? { cgroupns: 'private' as const } : {}),
    volumes: [...(runtime.cgroupVersion === 1 ? ['/sys/fs/cgroup:/sys/fs/cgroup:rw'] : []), `${machineVolume(name)}:/var/lib/docker`],
    tmpfs: { '/run': '' },
  };
}

/** A machine as the lab sees it, from its container's labels and published port; undefined for anything else. */
export function machineFromContainer(container: {
  labels: Record<string, string>;
  state: string;
  running: boolean;
  ports: { containerPort: number; hostPort: number }[];
  networks?: Record<string, string>;
}): Machine | undefined {
  const name = container.labels[LABEL_MACHINE];
  if (!name || container.labels[LABEL_ROLE] !== 'host') return undefined;
  const port = container.ports.find((p) => p.containerPort === ENGINE_PORT)?.hostPort ?? 0;
  const published = container.ports.filter((p) => p.containerPort !== ENGINE_PORT).map((p) => ({ hostPort: p.hostPort, containerPort: p.containerPort }));
  return { name, port, state: container.state, running: container.running, ip: container.networks?.[NETWORK] ?? '', published };
}
