import type { DockerClient } from '../runtime/docker.js';
import type { ContainerSpec } from '../runtime/container-spec.js';
import { HAPROXY_CONFIG_PATH, type DeployPlan } from './plan.js';
import { LABEL_MANAGED, LABEL_STAGE } from '../runtime/names.js';
import { SERVICE_NAME } from '../runtime/consul-specs.js';

export type DeployPhase = 'remove' | 'create' | 'start';

export interface DeployProgress {
  phase: DeployPhase;
  done: number;
  total: number;
  /** The container just finished. */
  name?: string;
}

export interface DeployTimings {
  removeMs: number;
  createMs: number;
  startMs: number;
  totalMs: number;
}

/**
 * How many API calls run at once. Creating is cheap and overlaps well; starting is serialised
 * inside the engine (network set-up, runc), so more than a couple at once only queues there.
 */
export const CONCURRENCY = { remove: 8, create: 8, start: 3 };
/** A Consul agent leaves in well under a second; a slow machine gets this long before SIGKILL. */
const LEAVE_GRACE_SECONDS = 10;

/** Runs `work` over `items`, at most `limit` at a time, reporting each as it ends. */
export async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>, onDone?: (item: T, done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length && errors.length === 0) {
      const item = items[next++]!;
      try {
        await work(item);
        onDone?.(item, ++done);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}

/**
 * A leaving server is taken out of the catalog by its own agent before the agent leaves: the
 * deregistration is synced ahead of the leave. Left to the leave alone, an agent that joined a moment
 * before could still be syncing its registration as it left, and the leader, which had already
 * removed the node, took it back from that sync: the server stayed in the catalog, and in the load
 * balancer, until the leader's next reconcile a minute later (seen in 2 of 6 scale-ins here, and on
 * CI's remote engine). An agent of a load balancer registers no service: its answer is ignored.
 */
async function deregisterService(docker: DockerClient, agent: string): Promise<void> {
  await docker.exec(agent, ['consul', 'services', 'deregister', `-id=${SERVICE_NAME}`], 5_000).catch(() => undefined);
}

/** Carries out a plan through the Docker API: remove the old, create every container, then start them. */
export async function applyDeploy(plan: DeployPlan, docker: DockerClient, onProgress: (progress: DeployProgress) => void = () => undefined): Promise<DeployTimings> {
  const started = Date.now();
  await docker.ensureNetwork(plan.network, { [LABEL_MANAGED]: 'true', [LABEL_STAGE]: 'horizontal-scale' });

  const phase = async <T extends { name: string }>(name: DeployPhase, items: T[], limit: number, work: (item: T) => Promise<void>): Promise<number> => {
    const phaseStart = Date.now();
    onProgress({ phase: name, done: 0, total: items.length });
    await eachLimited(items, limit, work, (item, done) => onProgress({ phase: name, done, total: items.length, name: item.name }));
    return Date.now() - phaseStart;
  };

  const leaveStart = Date.now();
  await eachLimited(plan.leave, CONCURRENCY.remove, async (name) => {
    await deregisterService(docker, name);
    await docker.stopContainer(name, LEAVE_GRACE_SECONDS);
  });
  const leaveMs = Date.now() - leaveStart;
  const removeMs = leaveMs + (await phase('remove', plan.remove.map((name) => ({ name })), CONCURRENCY.remove, ({ name }) => docker.removeContainer(name)));
  const item = (spec: ContainerSpec, config?: string) => ({ name: spec.name, spec, config });
  // Start order: Consul servers (agents join them), servers, their agents (they share a server's
  // network namespace, so it must run), then the load balancers (they resolve the servers) and theirs.
  const groups = [
    plan.consulServers.map((spec) => item(spec)),
    plan.servers.map((spec) => item(spec)),
    plan.agents.map((spec) => item(spec)),
    plan.lbs.map(({ spec, config }) => item(spec, config)),
    plan.lbAgents.map((spec) => item(spec)),
  ].filter((group) => group.length > 0);
  const createMs = await phase('create', groups.flat(), CONCURRENCY.create, async ({ spec, config }) => {
    if (spec.network?.startsWith('container:')) return;
    await docker.createContainer(spec);
    if (config !== undefined) await docker.putFile(spec.name, HAPROXY_CONFIG_PATH, config);
  });
  let startMs = 0;
  for (const group of groups) {
    startMs += await phase('start', group, CONCURRENCY.start, async ({ spec }) => {
      // A sidecar can only be created once the container whose namespace it joins exists and runs.
      if (spec.network?.startsWith('container:')) await docker.createContainer(spec);
      await docker.startContainer(spec.name);
    });
  }
  return { removeMs, createMs, startMs, totalMs: Date.now() - started };
}
