/**
 * The load balancers as the checks see them: their containers and published ports, HAProxy's
 * runtime API (`show servers state`, through its socket inside the container), and its log.
 */
import { byIndex } from '../deploy/plan.js';
import type { LbBackend } from '../checks/consul-judges.js';
import { parseShowServersState } from '../checks/consul-judges.js';
import { parseHaproxyLog } from '../checks/haproxy-log.js';
import type { ContainerFacts, DockerClient } from '../runtime/docker.js';
import { LABEL_ROLE } from '../runtime/names.js';

/** A load balancer container: its state, and its port 80 published on 127.0.0.1. */
export interface LbFacts {
  name: string;
  running: boolean;
  state: string;
  port?: number;
  /** When it last started: a restart moves it, a reload does not. */
  startedAt?: string;
}

const lbFacts = (container: ContainerFacts): LbFacts => {
  const port = container.ports.find((p) => p.containerPort === 80 && p.hostIp === '127.0.0.1')?.hostPort;
  return { name: container.name, running: container.running, state: container.state, ...(port ? { port } : {}), ...(container.startedAt ? { startedAt: container.startedAt } : {}) };
};

export async function observeLbs(docker: DockerClient): Promise<LbFacts[]> {
  return (await docker.listContainers([`${LABEL_ROLE}=lb`])).map(lbFacts).sort((a, b) => byIndex(a.name, b.name));
}

/** Requests HAProxy logged since it last started. */
export function requestsSinceStart(lines: string[]): number {
  const events = parseHaproxyLog(lines);
  const lastStart = events.map((e) => e.type).lastIndexOf('start');
  return events.slice(lastStart + 1).filter((e) => e.type === 'request').length;
}

/**
 * HAProxy writes a request's line after the answer has gone out, and Docker's log pipe adds a moment:
 * read again, within a deadline, until the log holds as many requests since the last start as were sent.
 */
export async function settledLog(docker: DockerClient, container: string, expected: number, withinMs = 2_000): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const lines = await docker.logs(container, 5_000);
    if (requestsSinceStart(lines) >= expected || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A load balancer's view of its backends, from HAProxy's runtime API inside its container. */
export async function observeBackends(docker: DockerClient, lb: string): Promise<LbBackend[] | string> {
  const container = await docker.inspectContainer(lb);
  if (!container?.running) return container ? `${lb} is ${container.state}` : `${lb} does not exist`;
  const { exitCode, stdout, stderr } = await docker.exec(lb, ['sh', '-c', 'echo "show servers state webservers" | socat stdio /var/run/haproxy.sock']);
  if (exitCode !== 0) return `its runtime API did not answer (${stderr.trim() || exitCode})`;
  return parseShowServersState(stdout);
}
