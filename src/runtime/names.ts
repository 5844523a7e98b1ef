/**
 * The lab's names and labels, in one place: the network its containers join, the images it runs, the
 * names of the containers it makes, and the label keys everything it creates carries. Cleanup selects
 * by these labels, never by name.
 */

/** The network every stage's containers join (the article's simple-network). */
export const NETWORK = 'simple-network';

// Images. The learner's own are built and pushed to the lab's registry in stage 1 and 3.
export const SERVER_IMAGE = 'localhost:5000/simple-server';
export const LB_IMAGE = 'localhost:5000/simple-haproxy';
export const CONSUL_IMAGE = 'localhost:5000/simple-consul';
/** simple-haproxy plus `consul watch`: the load balancer of the template-and-reload mode. */
export const WATCH_LB_IMAGE = 'localhost:5000/simple-haproxy-consul';
/** A lab machine: a Docker engine in a container. */
export const MACHINE_IMAGE = 'dockerlab/host';

// Label keys carried by everything the lab creates.
export const LABEL_MANAGED = 'dev.dockerlab.managed';
export const LABEL_STAGE = 'dev.dockerlab.stage';
export const LABEL_ROLE = 'dev.dockerlab.role';
export const LABEL_IMAGE = 'dev.dockerlab.image';
/** Which `lab deploy` made a container. */
export const LABEL_DEPLOY = 'dev.dockerlab.deploy';
/** The name prefix of a deploy's servers (`--prefix`). */
export const LABEL_PREFIX = 'dev.dockerlab.prefix';
/** The machine's name, on its container and its volume: how the lab finds them (never by container name). */
export const LABEL_MACHINE = 'dev.dockerlab.machine';
/** The container a sidecar agent serves (its network namespace's owner). */
export const LABEL_AGENT_OF = 'dev.dockerlab.agent-of';

export type Role = 'server' | 'lb' | 'consul' | 'consul-agent' | 'host' | 'registry' | 'probe';
export const ROLE_CONSUL_AGENT: Role = 'consul-agent';
export const ROLE_CONSUL: Role = 'consul';

export const MANAGED_FILTER = `${LABEL_MANAGED}=true`;
/** Every lab machine carries the key; `label=KEY` alone matches any value. */
export const MACHINE_FILTER = LABEL_MACHINE;

export function labLabels(stage: string, role: Role): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_STAGE]: stage, [LABEL_ROLE]: role };
}

/** The same labels as `--label k=v` arguments, for commands shown to the learner. */
export function labelArgs(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
}

// Container names.
export const lbName = (index: number): string => `simple_haproxy_${index}`;
export const consulServerName = (index: number): string => `simple_consul_${index}`;
/** A Consul agent sidecar, named after the container it serves. */
export const agentName = (container: string): string => `${container}_agent`;
/** A lab machine's container, and its volume (the inner engine's /var/lib/docker). */
export const machineContainer = (name: string): string => `lab-machine-${name}`;
export const machineVolume = (name: string): string => `lab-machine-${name}`;
