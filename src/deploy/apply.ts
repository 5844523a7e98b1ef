import type { DockerClient } from '../runtime/docker.js';
import { LABEL_MANAGED, LABEL_STAGE } from '../runtime/labels.js';
import { HAPROXY_CONFIG_PATH, type DeployPlan } from './plan.js';

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

  const removeMs = await phase('remove', plan.remove.map((name) => ({ name })), CONCURRENCY.remove, ({ name }) => docker.removeContainer(name));
  const all = [...plan.servers.map((spec) => ({ name: spec.name, spec, config: undefined as string | undefined })), ...plan.lbs.map(({ spec, config }) => ({ name: spec.name, spec, config }))];
  const createMs = await phase('create', all, CONCURRENCY.create, async ({ spec, config }) => {
    await docker.createContainer(spec);
    if (config !== undefined) await docker.putFile(spec.name, HAPROXY_CONFIG_PATH, config);
  });
  // Every server before any load balancer, so each LB resolves all of its servers when it starts.
  const servers = all.slice(0, plan.servers.length);
  const lbs = all.slice(plan.servers.length);
  const startMs =
    (await phase('start', servers, CONCURRENCY.start, ({ name }) => docker.startContainer(name))) +
    (lbs.length > 0 ? await phase('start', lbs, CONCURRENCY.start, ({ name }) => docker.startContainer(name)) : 0);
  return { removeMs, createMs, startMs, totalMs: Date.now() - started };
}
