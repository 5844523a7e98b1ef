/**
 * Lab machines as the checks see them: the machine's container on the lab's engine and, when it runs,
 * the containers on its own engine (asked over TLS with the machine's client certificate).
 */
import { listMachines } from '../machines/manage.js';
import { type Machine } from '../machines/spec.js';
import { clientTls } from '../machines/tls.js';
import { createTlsDockerClient, type DockerClient } from '../runtime/docker.js';
import { LABEL_ROLE } from '../runtime/names.js';

/** A container on a lab machine's own engine, as the multi-host checks need it. */
export interface InnerContainer {
  name: string;
  /** dev.dockerlab.role (images carry it), '' for a container the lab does not know. */
  role: string;
  running: boolean;
  /** Published ports on the machine: container port → machine port. */
  ports: { containerPort: number; hostPort: number }[];
}

/** One lab machine as seen from the lab's engine and, when it runs, from its own engine. */
export interface MachineView {
  name: string;
  exists: boolean;
  running: boolean;
  state: string;
  ip: string;
  /** Its engine's port (0 when it publishes none)... */
  port: number;
  /** ...on this address: 127.0.0.1 on a local engine, the engine's host on a remote one. */
  address?: string;
  /** Its containers, or why its engine could not be asked. */
  containers: InnerContainer[] | { error: string };
}

/** The engine inside a lab machine: TLS on its port (127.0.0.1, or the remote engine's host), with the machine's client certificate. */
export async function machineEngine(docker: DockerClient, machine: Pick<Machine, 'name' | 'port' | 'address'>): Promise<DockerClient> {
  return createTlsDockerClient(machine, await clientTls(docker, machine.name));
}

export async function observeMachines(docker: DockerClient, names: string[]): Promise<MachineView[]> {
  const machines = await listMachines(docker);
  return Promise.all(names.map((name) => observeMachine(docker, machines, name)));
}

async function observeMachine(docker: DockerClient, machines: Machine[], name: string): Promise<MachineView> {
  const machine = machines.find((m) => m.name === name);
  if (!machine) return { name, exists: false, running: false, state: 'missing', ip: '', port: 0, containers: [] };
  const base = { name, exists: true, running: machine.running, state: machine.state, ip: machine.ip, port: machine.port, ...(machine.address ? { address: machine.address } : {}) };
  if (!machine.running || !machine.port) return { ...base, containers: [] };
  try {
    const containers = await (await machineEngine(docker, machine)).listContainers([]);
    return {
      ...base,
      containers: containers.map((c) => ({
        name: c.name,
        role: c.labels[LABEL_ROLE] ?? '',
        running: c.running,
        ports: c.ports.map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort })),
      })),
    };
  } catch (error) {
    return { ...base, containers: { error: (error as Error).message } };
  }
}

/** The machine exists and runs. A missing or stopped one does not come back by waiting: checks do not retry then. */
export const machineRuns = (view: MachineView | undefined): boolean => view !== undefined && view.exists && view.running;

/** The running containers of a machine the judge has found up. */
export const runningOn = (view: MachineView): InnerContainer[] => (Array.isArray(view.containers) ? view.containers.filter((c) => c.running) : []);
