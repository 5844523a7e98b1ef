/**
 * Stage 6's challenge: a rolling update of simple-service to version 2 and back, under load, judged
 * from what Swarm and HAProxy kept on record — the manager's task history (which image each slot ran,
 * with which health check), the service's update status, and simple-lb's own log of every request
 * from the first version-2 task to the end of the rollback. Observing only reads; judging is pure.
 */
import { plural, seconds } from '../format.js';
import type { RolloutTask, RolloutView } from '../runtime/swarm-api.js';
import { parseHaproxyLog } from './haproxy-log.js';
import { observeManager, judgeSwarmUp, type SwarmNodesFacts } from './swarm.js';
import { checkBase } from './spec-base.js';
import { fail, pass, type Judgement, type ReadOnlyCheckModule, type SpecFrom, type Zod } from './types.js';

export interface RolloutFacts extends SwarmNodesFacts {
  rollout?: RolloutView | { error: string };
}

export const swarmRolloutSpec = (z: Zod) =>
  z.object({
    kind: z.literal('swarm-rollout'),
    ...checkBase(z),
    manager: z.string().default('manager'),
    service: z.string().default('simple-service'),
    /** The load balancer service, pinned to the manager, whose log counts the requests. */
    lb: z.string().default('simple-lb'),
    /** The tag of the new version (`simple-registry:5000/simple-server:v2`). */
    tag: z.string().regex(/^[\w][\w.-]*$/).default('v2'),
    /** Slots that must have run the new version: the service's replicas. */
    replicas: z.number().int().min(1).max(50).default(6),
    /** Requests the log must hold in the window, for it to have been "under load". */
    requests: z.number().int().min(1).max(100_000).default(100),
  });

/** What the judge reads of its lesson line. */
type Spec = Pick<SpecFrom<typeof swarmRolloutSpec>, 'manager' | 'service' | 'lb' | 'tag' | 'replicas' | 'requests'>;

/** `simple-registry:5000/simple-server:v2@sha256:…` is tagged v2. */
const tagged = (image: string, tag: string): boolean => new RegExp(`:${tag.replace(/[.]/g, '\\.')}(?:@|$)`).test(image);

/** A timestamp with nanoseconds (as Docker writes them) to epoch milliseconds. */
export function epochMs(timestamp: string): number {
  return Date.parse(timestamp.replace(/(\.\d{3})\d+/, '$1'));
}

/** The window: from the first new-version task's creation (less a second) to the rollback's end (or now). */
export function windowStartMs(tasks: RolloutTask[], tag: string): number | undefined {
  const created = tasks.filter((task) => tagged(task.image, tag)).map((task) => epochMs(task.createdAt)).filter(Number.isFinite);
  return created.length > 0 ? Math.min(...created) - 1_000 : undefined;
}

/** Requests in simple-lb's log (lines led by the engine's timestamp) from `startMs` to `endMs`: how many, and which failed. */
export function countRequests(lines: string[], startMs: number, endMs: number): { sent: number; failed: string[] } {
  let sent = 0;
  const failed: string[] = [];
  for (const line of lines) {
    const space = line.indexOf(' ');
    const ms = space < 0 ? Number.NaN : epochMs(line.slice(0, space));
    if (!(ms >= startMs && ms <= endMs)) continue;
    const [event] = parseHaproxyLog([line.slice(space + 1)]);
    if (event?.type !== 'request') continue;
    sent += 1;
    if (event.status !== 200 && failed.length < 50) failed.push(`${event.status} from ${event.server}`);
  }
  return { sent, failed };
}

export function judgeRollout(spec: Spec, facts: RolloutFacts, nowMs: number): Judgement {
  const up = judgeSwarmUp(spec.manager, facts);
  if ('status' in up) return up;
  const rollout = facts.rollout;
  if (!rollout || 'error' in rollout) return fail(`The manager cannot say how ${spec.service} was updated: ${rollout?.error ?? 'not asked'}.`, `\`docker service inspect ${spec.service}\` on the manager.`);
  const upgraded = rollout.tasks.filter((task) => tagged(task.image, spec.tag));
  const image = `simple-registry:5000/simple-server:${spec.tag}`;
  if (upgraded.length === 0) {
    return fail(`${spec.service} never ran version ${spec.tag}: no task in its history has an image tagged ${spec.tag}.`, `Build it with \`--build-arg VERSION=2\`, tag it localhost:5000/simple-server:${spec.tag} and push it; then \`docker service update --image ${image} …\` on the manager.`);
  }
  const slots = new Set(upgraded.filter((task) => task.started).map((task) => task.slot));
  if (slots.size < spec.replicas) {
    return fail(`Only ${plural(slots.size, 'slot')} of ${spec.service} ran ${spec.tag} (the stage runs ${spec.replicas}): the update did not reach every task.`, `\`docker service ps ${spec.service}\` on the manager shows each task's image and why one stopped.`);
  }
  const unchecked = upgraded.filter((task) => task.started && task.healthcheck?.test?.[0] === 'NONE');
  if (unchecked.length > 0) {
    return fail(`${spec.tag} ran without a health check (${plural(unchecked.length, 'task')}): Swarm let each new task take requests the moment its process started.`, 'The service was created with `--no-healthcheck`; any `--health-*` flag on the update turns the image\'s check back on (`--health-interval 2s`).');
  }
  if (rollout.updateState === 'updating' || rollout.updateState === 'rollback_started') {
    return fail(`${spec.service} is still rolling (${rollout.updateState.replace('_', ' ')}).`, `\`docker service ps ${spec.service}\` on the manager shows where it is.`);
  }
  if (tagged(rollout.image, spec.tag) || rollout.updateState !== 'rollback_completed') {
    return fail(`${spec.service} runs ${rollout.image.split('@')[0]} and was not rolled back (its last update: ${rollout.updateState ?? 'none'}).`, `\`docker service rollback ${spec.service}\` on the manager, with requests still flowing.`);
  }
  if (rollout.lbError) return fail(`simple-lb's log cannot be read: ${rollout.lbError}.`, `\`docker service ps ${spec.lb}\` on the manager.`);
  const startMs = windowStartMs(rollout.tasks, spec.tag)!;
  const endMs = rollout.updateCompletedAt ? epochMs(rollout.updateCompletedAt) : nowMs;
  const { sent, failed } = countRequests(rollout.lbLog, startMs, endMs);
  const window = seconds(endMs - startMs);
  if (sent < spec.requests) {
    return fail(`${spec.lb} logged ${plural(sent, 'request')} from the first ${spec.tag} task to the end of the rollback (${window}); a rollout under load needs at least ${spec.requests}.`, 'Keep requests flowing through 127.0.0.1:8686 in a second terminal while you update and roll back: `while :; do curl -s -o /dev/null 127.0.0.1:8686/health; done`.');
  }
  if (failed.length > 0) {
    return fail(`${failed.length} of ${sent} requests through ${spec.lb} failed during the rollout (${window}): ${failed.slice(0, 3).join(', ')}.`, '`--update-order start-first` (and `--rollback-order start-first`) start each new task before its old one stops, and the health check keeps a new task out of rotation until it answers.');
  }
  return pass(`${spec.service} ran ${spec.tag} on all ${spec.replicas} slots, each with a health check, and was rolled back; ${spec.lb} logged ${sent} requests from the first ${spec.tag} task to the end of the rollback (${window}), none failed.`);
}

export const swarmRollout: ReadOnlyCheckModule<typeof swarmRolloutSpec, RolloutFacts> = {
  kind: 'swarm-rollout',
  spec: swarmRolloutSpec,
  effect: 'read-only',
  async observe(spec, { docker }) {
    const { facts, api } = await observeManager(docker, spec.manager);
    if (!api) return facts;
    const since = (tasks: RolloutTask[]) => Math.floor((windowStartMs(tasks, spec.tag) ?? Date.now()) / 1000);
    return { ...facts, rollout: await api.swarmRollout(spec.service, spec.lb, since) };
  },
  judge: (spec, facts) => judgeRollout(spec, facts, Date.now()),
  // Worth waiting for only while Swarm is still rolling.
  retryable: (facts) => Boolean(facts.rollout && !('error' in facts.rollout) && /updating|rollback_started/.test(facts.rollout.updateState ?? '')),
};
