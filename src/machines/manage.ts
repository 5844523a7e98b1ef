import { EnvironmentError, UsageError } from '../errors.js';
import { toDockerArgs } from '../runtime/container-spec.js';
import type { DockerClient, RemovedResources } from '../runtime/docker.js';
import { enginePortsFree } from '../runtime/ports.js';
import { engineGet, readClientTls, removeCertPath, type ClientTls } from './tls.js';
import { detectRuntime, type ChosenRuntime } from './machine-runtime.js';
import { MACHINE_STAGE, machineFromContainer, machineLabels, machineSpec, pickPorts, type Machine, type MachineRuntime, type PublishedPort } from './spec.js';
import { labelArgs, LABEL_MANAGED, LABEL_STAGE, MANAGED_FILTER, machineContainer, LABEL_MACHINE, MACHINE_FILTER, MACHINE_IMAGE, NETWORK, machineVolume } from '../runtime/names.js';

/** Every lab machine, found by label, sorted by name, each with the address its engine is reached at. */
export async function listMachines(docker: DockerClient): Promise<Machine[]> {
  const containers = await docker.listContainers([MANAGED_FILTER, MACHINE_FILTER]);
  const site = await docker.site();
  return containers
    .map((c) => machineFromContainer(c))
    .filter((m): m is Machine => m !== undefined)
    .map((m) => ({ ...m, address: site.local ? '127.0.0.1' : site.address }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** The machine of that name, or a usage error (exit 2) naming the ones that exist. */
export function findMachine(machines: Machine[], name: string): Machine {
  const machine = machines.find((m) => m.name === name);
  if (machine) return machine;
  throw new UsageError(
    `There is no lab machine "${name}".`,
    machines.length > 0 ? `Existing machines: ${machines.map((m) => m.name).join(', ')}.` : 'There are none yet: create one with `lab machine create NAME`.',
  );
}

/** The equivalent commands, printed before they run. */
export function createCommands({ name, port, publish, runtime, remoteAddress }: PlannedMachine): string[] {
  return [
    ['docker volume create', ...labelArgs(machineLabels(name)), machineVolume(name)].join(' '),
    ['docker run -d', ...toDockerArgs(machineSpec(name, port, publish, runtime, remoteAddress))].join(' '),
  ];
}

export interface PlannedMachine {
  name: string;
  port: number;
  /** Further ports of this machine published on 127.0.0.1. */
  publish: PublishedPort[];
  /** How its container runs on this engine. */
  runtime: MachineRuntime;
  /** On a remote engine: the engine host's address, where the machine's engine port is published. */
  remoteAddress?: string;
}

/**
 * Refuses names in use (exit 2), a missing image and taken ports (exit 3); picks a free engine port
 * for each, and how their containers run on this engine (`why` says it, for the learner).
 */
export async function planCreate(
  docker: DockerClient,
  names: string[],
  publish: PublishedPort[] = [],
  detect: (docker: DockerClient) => Promise<ChosenRuntime> = detectRuntime,
): Promise<{ machines: PlannedMachine[]; why: string }> {
  if (publish.length > 0 && names.length > 1) throw new UsageError('--publish gives one machine a port of this computer: create that machine on its own, without --count.');
  await docker.ping();
  const machines = await listMachines(docker);
  const volumes = await machineVolumes(docker);
  for (const name of names) {
    const byName = await docker.inspectContainer(machineContainer(name));
    if (machines.some((m) => m.name === name) || byName) {
      throw new UsageError(`The name "${name}" is already used${byName && !machines.some((m) => m.name === name) ? ` (a container called ${machineContainer(name)} exists and is not a lab machine)` : ' by a lab machine'}.`, 'Choose another name, or remove it first with `lab machine rm NAME`.');
    }
    if (volumes.some((v) => v.machine === name)) {
      throw new UsageError(`The volume ${machineVolume(name)} of an earlier machine "${name}" is still there.`, `Remove it with \`lab machine rm ${name}\`, or choose another name.`);
    }
  }
  if (!(await docker.inspectImage(MACHINE_IMAGE))) {
    throw new EnvironmentError(`The image ${MACHINE_IMAGE} is not in the engine.`, 'Build it with `lab images build --offline` (or `lab images load FILE`), then try again.');
  }
  const publishFree = await enginePortsFree(docker, publish.map((p) => p.hostPort));
  for (const { hostPort } of publish) {
    const holder = machines.find((m) => m.published.some((p) => p.hostPort === hostPort));
    if (holder || !publishFree.get(hostPort)) {
      throw new EnvironmentError(`Port ${hostPort} on 127.0.0.1 is taken${holder ? ` (machine "${holder.name}" publishes it)` : ''}.`, holder ? `Remove it first (\`lab machine rm ${holder.name}\`) or publish another port.` : 'Stop what listens there (`ss -ltnp`), or publish another port.');
    }
  }
  const used = [...machines.map((m) => m.port), ...publish.map((p) => p.hostPort)];
  const window = used.length + names.length + 64;
  const candidates = Array.from({ length: window }, (_, i) => 23750 + i);
  const free = new Set([...(await enginePortsFree(docker, candidates))].filter(([, isFree]) => isFree).map(([port]) => port));
  const ports = pickPorts(used, names.length, (port) => free.has(port));
  if (ports.length < names.length) throw new EnvironmentError('No free port from 23750 up for a machine engine.', 'Remove machines you no longer need (`lab machine rm NAME`).');
  const { runtime, why } = await detect(docker);
  const site = await docker.site();
  const remote = site.local ? {} : { remoteAddress: site.address };
  return { machines: names.map((name, i) => ({ name, port: ports[i]!, publish, runtime, ...remote })), why };
}

/** Creates the volume and container of each machine, then starts them. */
export async function createMachines(docker: DockerClient, planned: PlannedMachine[]): Promise<void> {
  await docker.ensureNetwork(NETWORK, { [LABEL_MANAGED]: 'true', [LABEL_STAGE]: MACHINE_STAGE });
  for (const { name, port, publish, runtime, remoteAddress } of planned) {
    await docker.createVolume(machineVolume(name), machineLabels(name));
    await docker.createContainer(machineSpec(name, port, publish, runtime, remoteAddress));
    await docker.startContainer(machineContainer(name));
  }
}

/**
 * Waits until every engine answers `GET /_ping` over TLS with the machine's client certificate
 * (which the machine makes as it starts); resolves with each one's time, throws past the deadline.
 */
export async function waitForEngines(
  docker: DockerClient,
  planned: PlannedMachine[],
  options: { deadlineMs?: number; signal?: AbortSignal; onProgress?: (ready: number, total: number, elapsedMs: number) => void } = {},
): Promise<Map<string, number>> {
  const started = Date.now();
  // Seconds on a laptop; minutes on a slow machine (an emulated VM starts an engine in about a minute).
  const waitMs = options.deadlineMs ?? 180_000;
  const deadline = started + waitMs;
  const ready = new Map<string, number>();
  const certificates = new Map<string, ClientTls>();
  while (ready.size < planned.length) {
    options.signal?.throwIfAborted();
    await Promise.all(
      planned
        .filter((m) => !ready.has(m.name))
        .map(async (m) => {
          const tls = certificates.get(m.name) ?? (await readClientTls(docker, m.name).catch(() => undefined));
          if (!tls) return;
          certificates.set(m.name, tls);
          if (await pings(m.remoteAddress ?? '127.0.0.1', m.port, tls)) ready.set(m.name, Date.now() - started);
        }),
    );
    options.onProgress?.(ready.size, planned.length, Date.now() - started);
    if (ready.size === planned.length) break;
    // A machine whose container has stopped will never answer: say so now, not at the deadline.
    const stopped = await firstStopped(docker, planned.filter((m) => !ready.has(m.name)));
    if (stopped) throw await notAnswering(docker, [stopped.machine], `stopped (exit code ${stopped.exitCode}) ${((Date.now() - started) / 1000).toFixed(1)} s after start`);
    if (Date.now() > deadline) throw await notAnswering(docker, planned.filter((m) => !ready.has(m.name)), `did not answer within ${Math.round(waitMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return ready;
}

async function firstStopped(docker: DockerClient, machines: PlannedMachine[]): Promise<{ machine: PlannedMachine; exitCode: number } | undefined> {
  for (const machine of machines) {
    const facts = await docker.inspectContainer(machineContainer(machine.name));
    if (facts && !facts.running && facts.state !== 'created') return { machine, exitCode: facts.exitCode };
  }
  return undefined;
}

async function notAnswering(docker: DockerClient, late: PlannedMachine[], what: string): Promise<EnvironmentError> {
  const container = machineContainer(late[0]!.name);
  const logs = await docker.logs(container, 8);
  return new EnvironmentError(
    `The engine of ${late.map((m) => m.name).join(', ')} ${what}. Last lines of ${container}:\n${logs.join('\n')}`,
    `Look at \`docker logs ${container}\`; remove it with \`lab machine rm ${late[0]!.name}\`.`,
  );
}

/** The inner engine's version, or undefined when it does not answer within 2 s. */
export async function engineVersion(docker: DockerClient, machine: Pick<Machine, 'name' | 'port' | 'address'>): Promise<string | undefined> {
  try {
    const tls = await readClientTls(docker, machine.name);
    if (!tls) return undefined;
    const answer = await engineGet(machine.address ?? '127.0.0.1', machine.port, '/version', tls, 2_000);
    return answer.status === 200 ? (JSON.parse(answer.body) as { Version?: string }).Version : undefined;
  } catch {
    return undefined;
  }
}

async function pings(address: string, port: number, tls: ClientTls): Promise<boolean> {
  try {
    const answer = await engineGet(address, port, '/_ping', tls, 1_000);
    return answer.status === 200 && answer.body === 'OK';
  } catch {
    return false;
  }
}

/** Machine volumes, including those whose container is gone. */
async function machineVolumes(docker: DockerClient): Promise<{ name: string; machine: string }[]> {
  const volumes = await docker.listVolumes([MANAGED_FILTER, MACHINE_FILTER]);
  return volumes.map((v) => ({ name: v.name, machine: v.labels[LABEL_MACHINE] ?? '' }));
}

/** Removes machines (container and volume) by label only; unknown names are a usage error. */
export async function removeMachines(docker: DockerClient, target: { names: string[] } | { all: true }): Promise<RemovedResources> {
  await docker.ping();
  if ('all' in target) {
    const names = [...(await listMachines(docker)).map((m) => m.name), ...(await machineVolumes(docker)).map((v) => v.machine)];
    const removed = await docker.removeByLabel([MANAGED_FILTER, MACHINE_FILTER]);
    for (const name of names) removeCertPath(name);
    return removed;
  }
  const known = [...new Set([...(await listMachines(docker)).map((m) => m.name), ...(await machineVolumes(docker)).map((v) => v.machine)])].sort();
  for (const name of target.names) {
    if (!known.includes(name)) {
      throw new UsageError(`There is no lab machine "${name}".`, known.length > 0 ? `Existing machines: ${known.join(', ')}.` : 'There are no lab machines.');
    }
  }
  const removed: RemovedResources = { containers: [], networks: [], volumes: [], kept: [] };
  for (const name of target.names) {
    const one = await docker.removeByLabel([MANAGED_FILTER, `${LABEL_MACHINE}=${name}`]);
    removeCertPath(name);
    removed.containers.push(...one.containers);
    removed.volumes.push(...one.volumes);
    removed.kept.push(...one.kept);
  }
  return removed;
}
