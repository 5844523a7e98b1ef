/**
 * Stage 6 (orchestration): Docker Swarm across three lab machines. Observing asks the manager
 * machine's engine (the Swarm API: nodes, services, tasks); judging is pure over those facts. The
 * rescheduling drill kills a worker machine, times Swarm putting its tasks back on the survivors,
 * then starts the machine again so the drill can run again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { plural, seconds } from '../format.js';
import type { DockerClient } from '../runtime/docker.js';
import type { SwarmNode, SwarmService, SwarmTask, SwarmView } from '../runtime/swarm-api.js';

export type { SwarmNode, SwarmService, SwarmTask, SwarmView } from '../runtime/swarm-api.js';
import { sendRequests, type Served } from '../probes/requests.js';
import { judgeMachineUp } from './machine-up.js';
import { machineEngine, machineRuns, observeMachines, type MachineView } from '../probes/machines.js';
import { fail, pass, type DisruptiveCheckModule, type ReadOnlyCheckModule, type Judgement, type Zod } from './types.js';
import { checkBase, fields } from './spec-base.js';
import { machineContainer } from '../runtime/names.js';

/** The manager machine and what its Swarm API says; the API client too, for the drill to reuse. */
export async function observeManager(docker: DockerClient, manager: string, service?: string): Promise<{ facts: SwarmNodesFacts; api?: DockerClient }> {
  const [view] = await observeMachines(docker, [manager]);
  if (!view || judgeMachineUp(view, manager)) return { facts: { ...(view ? { manager: view } : {}), swarm: { error: 'not asked' } } };
  let api: DockerClient;
  try {
    api = await machineEngine(docker, view);
  } catch (error) {
    return { facts: { manager: view, swarm: { error: (error as Error).message } } };
  }
  return { facts: { manager: view, swarm: await api.swarm(service) }, api };
}

export function judgeSwarmUp(manager: string, facts: { manager?: MachineView; swarm: SwarmView }): Judgement | { nodes: SwarmNode[]; service?: SwarmService } {
  const down = judgeMachineUp(facts.manager, manager);
  if (down) return down;
  if ('error' in facts.swarm) {
    const notManager = /not a swarm manager|not part of a swarm/i.test(facts.swarm.error);
    return fail(
      notManager ? `The engine of "${manager}" is not a Swarm manager (${facts.swarm.error}).` : `The Swarm API of "${manager}" failed: ${facts.swarm.error}.`,
      notManager ? `\`eval $(lab machine env ${manager}) && docker swarm init --advertise-addr eth0\`.` : `\`docker logs ${machineContainer(manager)}\` shows the engine's log.`,
    );
  }
  return facts.swarm;
}

const isJudgement = (value: object): value is Judgement => 'status' in value;

const tasksByNode = (tasks: SwarmTask[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const t of tasks) if (t.state === 'running') counts.set(t.node, (counts.get(t.node) ?? 0) + 1);
  return counts;
};

// --- swarm-nodes -------------------------------------------------------------------------------

export interface SwarmNodesFacts {
  manager?: MachineView;
  swarm: SwarmView;
}

export function judgeSwarmNodes(spec: { manager: string; nodes: number; managers: number }, facts: SwarmNodesFacts): Judgement {
  const up = judgeSwarmUp(spec.manager, facts);
  if (isJudgement(up)) return up;
  const nodes = up.nodes;
  const notReady = nodes.filter((n) => n.state !== 'ready');
  if (notReady.length > 0) {
    return fail(`${notReady.map((n) => `${n.hostname} is ${n.state}`).join(', ')}.`, `A lost machine: \`docker start ${machineContainer(notReady[0]!.hostname)}\` brings it back; one gone for good: \`docker node rm ${notReady[0]!.hostname}\` on the manager.`);
  }
  if (nodes.length < spec.nodes) return fail(`The swarm has ${plural(nodes.length, 'node')}; the stage wants ${spec.nodes}.`, 'Join the workers: on each, `docker swarm join --token $(docker swarm join-token -q worker) MANAGER_IP:2377` (MANAGER_IP is `lab machine ip manager`).');
  const drained = nodes.filter((n) => n.availability !== 'active');
  if (drained.length > 0) return fail(`${drained.map((n) => `${n.hostname} (availability ${n.availability})`).join(', ')}: Swarm schedules no task there.`, `\`docker node update --availability active ${drained[0]!.hostname}\` on the manager.`);
  const managers = nodes.filter((n) => n.role === 'manager');
  if (managers.length !== spec.managers) return fail(`The swarm has ${plural(managers.length, 'manager')}; the stage wants ${spec.managers}.`, 'Workers join with the worker token: `docker swarm join-token -q worker`.');
  const leader = nodes.find((n) => n.leader);
  return pass(`${plural(nodes.length, 'node')} ready and active: ${[...nodes].sort((a, b) => a.hostname.localeCompare(b.hostname)).map((n) => `${n.hostname}${n.leader ? ' (leader)' : n.role === 'manager' ? ' (manager)' : ''}`).join(', ')}${leader ? '' : ' — but no leader'}.`);
}

/** The lesson line of a `swarm-nodes` check. */
export const swarmNodesSpec = (z: Zod) =>
  z.object({
    kind: z.literal('swarm-nodes'),
    ...checkBase(z),
    /** The lab machine whose engine is the Swarm manager the check asks. */
    manager: z.string().default('manager'),
    nodes: z.number().int().min(1).max(20).default(3),
    managers: z.number().int().min(1).max(7).default(1),
  });

export const swarmNodes: ReadOnlyCheckModule<typeof swarmNodesSpec, SwarmNodesFacts> = {
  kind: 'swarm-nodes',
  spec: swarmNodesSpec,
  effect: 'read-only',
  observe: async (spec, { docker }) => (await observeManager(docker, spec.manager)).facts,
  judge: judgeSwarmNodes,
  // Nodes joining or coming back are worth waiting for; a drained node or a missing manager is not.
  retryable: (facts) => machineRuns(facts.manager) && !('error' in facts.swarm && /not a swarm manager/i.test(facts.swarm.error)) && !('nodes' in facts.swarm && facts.swarm.nodes.some((n) => n.availability !== 'active')),
};

// --- swarm-service -----------------------------------------------------------------------------

export function judgeSwarmService(spec: { manager: string; service: string; replicas: number; spread: number }, facts: SwarmNodesFacts): Judgement {
  const up = judgeSwarmUp(spec.manager, facts);
  if (isJudgement(up)) return up;
  const service = up.service;
  if (!service) return fail(`There is no service "${spec.service}" in the swarm.`, `\`docker service create --name ${spec.service} --replicas ${spec.replicas} …\` on the manager (the lesson gives the whole line).`);
  if (service.replicas < spec.replicas) return fail(`${spec.service} wants ${plural(service.replicas, 'replica')}; the stage wants at least ${spec.replicas}.`, `\`docker service scale ${spec.service}=${spec.replicas}\` on the manager.`);
  const running = service.tasks.filter((t) => t.state === 'running');
  if (running.length < service.replicas) {
    const others = service.tasks.filter((t) => t.state !== 'running');
    return fail(`${running.length} of ${service.replicas} replicas of ${spec.service} are running${others.length ? ` (${others.map((t) => `${spec.service}.${t.slot} ${t.state}${t.node ? ` on ${t.node}` : ''}`).slice(0, 3).join(', ')})` : ''}.`, `\`docker service ps ${spec.service} --no-trunc\` on the manager says why.`);
  }
  const perNode = tasksByNode(running);
  const active = up.nodes.filter((n) => n.state === 'ready' && n.availability === 'active').length;
  const wanted = Math.min(spec.spread, active, service.replicas);
  if (perNode.size < wanted) return fail(`All ${running.length} replicas run on ${[...perNode.keys()].join(', ')}: spread over ${perNode.size} node${perNode.size === 1 ? '' : 's'}, the stage wants ${wanted}.`, 'Are the other nodes ready and active? `docker node ls` on the manager.');
  return pass(`${running.length}/${service.replicas} replicas of ${spec.service} running on ${[...perNode.entries()].sort().map(([node, n]) => `${node} (${n})`).join(', ')}.`);
}

/** The lesson line of a `swarm-service` check. */
export const swarmServiceSpec = (z: Zod) =>
  z.object({
    kind: z.literal('swarm-service'),
    ...checkBase(z),
    manager: z.string().default('manager'),
    service: z.string().default('simple-service'),
    /** At least this many replicas wanted, and as many running. */
    replicas: z.number().int().min(1).max(100).default(6),
    /** Running tasks spread over at least this many nodes. */
    spread: z.number().int().min(1).max(20).default(2),
  });

export const swarmService: ReadOnlyCheckModule<typeof swarmServiceSpec, SwarmNodesFacts> = {
  kind: 'swarm-service',
  spec: swarmServiceSpec,
  effect: 'read-only',
  observe: async (spec, { docker }) => (await observeManager(docker, spec.manager, spec.service)).facts,
  judge: judgeSwarmService,
  // Tasks on their way are worth waiting for; a service missing or scaled down is not.
  retryable: (facts) => machineRuns(facts.manager) && 'nodes' in facts.swarm && facts.swarm.service !== undefined && facts.swarm.service.replicas > 0 && facts.swarm.service.tasks.filter((t) => t.state === 'running').length < facts.swarm.service.replicas,
  // Tasks a moment from running (preparing, starting) are worth another look.
  settling: (facts) => !('error' in facts.swarm) && (facts.swarm.service?.tasks.some((t) => ['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting'].includes(t.state)) ?? false),
};

// --- swarm-requests ----------------------------------------------------------------------------

export interface SwarmRequestsFacts {
  served: Served[];
}

export function judgeSwarmRequests(spec: { port: number; distinct: number }, facts: SwarmRequestsFacts): Judgement {
  const failed = facts.served.filter((s): s is { error: string } => 'error' in s);
  if (failed.length > 0 && failed.every((f) => f.error === 'status 503')) return fail(`simple-lb answered 503 to ${failed.length} of ${facts.served.length} requests: no replica of simple-service is up behind it.`, '`docker service ps simple-service` on the manager: are its replicas running?');
  if (failed.length > 0) return fail(`${failed.length} of ${facts.served.length} requests through 127.0.0.1:${spec.port} failed (${failed[0]!.error}).`, 'Is simple-lb running on the manager (`docker service ps simple-lb`), and is the manager\'s port 8080 published (`lab machine ls`)?');
  const replicas = [...new Set(facts.served.map((s) => ('server' in s ? s.server : '')))].sort();
  if (replicas.length < spec.distinct) return fail(`${facts.served.length} requests reached only ${replicas.join(', ')}; the stage wants at least ${spec.distinct} different replicas.`, "Does HAProxy see the tasks? `docker service logs simple-lb` shows its servers coming UP.");
  return pass(`${facts.served.length} requests through 127.0.0.1:${spec.port} reached ${plural(replicas.length, 'replica')}: ${replicas.join(', ')}.`);
}

/** The lesson line of a `swarm-requests` check. */
export const swarmRequestsSpec = (z: Zod) =>
  z.object({
    kind: z.literal('swarm-requests'),
    ...checkBase(z),
    /** The manager machine's load balancer, published on 127.0.0.1:port. */
    port: fields.port(z),
    requests: z.number().int().min(1).max(200).default(18),
    /** Distinct replicas that must answer. */
    distinct: z.number().int().min(1).max(100).default(3),
  });

export const swarmRequests: ReadOnlyCheckModule<typeof swarmRequestsSpec, SwarmRequestsFacts> = {
  kind: 'swarm-requests',
  spec: swarmRequestsSpec,
  effect: 'read-only',
  observe: async (spec, { http }) => ({ served: await sendRequests(http, spec.port, spec.requests) }),
  judge: judgeSwarmRequests,
};

// --- swarm-reschedule --------------------------------------------------------------------------

export interface RescheduleFacts {
  manager?: MachineView;
  swarm: SwarmView;
  /** The worker machine the drill killed, and how many running tasks it had. */
  victim?: string;
  lostTasks?: number;
  replicas?: number;
  /** Milliseconds after the kill: the manager marks the node down; the replicas all run elsewhere. */
  nodeDownMs?: number;
  rescheduledMs?: number;
  /** Milliseconds from starting the machine again to its node being ready. */
  rejoinMs?: number;
  /** What went wrong during the drill itself. */
  error?: string;
}

export function pickVictim(swarm: { nodes: SwarmNode[]; service?: SwarmService }): { node: string; tasks: number } | undefined {
  const perNode = tasksByNode(swarm.service?.tasks ?? []);
  const workers = swarm.nodes.filter((n) => n.role === 'worker' && n.state === 'ready' && (perNode.get(n.hostname) ?? 0) > 0);
  const ranked = workers.map((n) => ({ node: n.hostname, tasks: perNode.get(n.hostname) ?? 0 })).sort((a, b) => b.tasks - a.tasks || a.node.localeCompare(b.node));
  return ranked[0];
}

export function judgeReschedule(spec: { manager: string; service: string; deadline: number }, facts: RescheduleFacts): Judgement {
  const up = judgeSwarmUp(spec.manager, facts);
  if (isJudgement(up)) return up;
  if (!up.service) return fail(`There is no service "${spec.service}" in the swarm.`, 'Create it first (the lesson gives the line).');
  if (!facts.victim) return fail(`No worker node runs a task of ${spec.service}: losing one would prove nothing.`, `\`docker service scale ${spec.service}=6\` spreads tasks over the workers.`);
  if (facts.error) return fail(`The drill could not finish: ${facts.error}.`, `\`docker start ${machineContainer(facts.victim)}\` brings the machine back if it is still down.`);
  const rejoin = facts.rejoinMs === undefined ? ` ${facts.victim} did not rejoin in time: \`docker start ${machineContainer(facts.victim)}\`.` : ` ${facts.victim} was started again and rejoined in ${seconds(facts.rejoinMs)}.`;
  if (facts.rescheduledMs === undefined || facts.rescheduledMs > spec.deadline) {
    return fail(
      `After ${facts.victim} was lost with ${plural(facts.lostTasks ?? 0, 'task')}, ${spec.service} did not have its ${facts.replicas} replicas running on the other nodes within ${seconds(spec.deadline)}${facts.nodeDownMs === undefined ? ' (the manager never marked the node down)' : ` (node marked down after ${seconds(facts.nodeDownMs)})`}.${rejoin}`,
      'Swarm notices a lost node after missed heartbeats (`docker swarm update --dispatcher-heartbeat 2s` makes that seconds), then waits the restart delay before replacing its tasks (`docker service update --restart-delay 1s simple-service`). Constraints or too little room on the survivors also keep tasks pending (`docker service ps`).',
    );
  }
  return pass(`${facts.victim} lost with ${plural(facts.lostTasks ?? 0, 'task')}: marked down after ${seconds(facts.nodeDownMs ?? facts.rescheduledMs)}, all ${facts.replicas} replicas running on the others after ${seconds(facts.rescheduledMs)}.${rejoin}`);
}

/** Kills the victim's machine, times the rescheduling on the manager, then starts the machine again. */
async function runDrill(docker: DockerClient, api: DockerClient, spec: { service: string; deadline: number }, swarm: { nodes: SwarmNode[]; service?: SwarmService }): Promise<Partial<RescheduleFacts>> {
  const victim = pickVictim(swarm);
  if (!victim || !swarm.service) return {};
  const facts: Partial<RescheduleFacts> = { victim: victim.node, lostTasks: victim.tasks, replicas: swarm.service.replicas };
  const machine = machineContainer(victim.node);
  const started = Date.now();
  try {
    await docker.killContainer(machine);
    while (Date.now() - started < spec.deadline && facts.rescheduledMs === undefined) {
      await sleep(250);
      const now = await api.swarm(spec.service);
      if ('error' in now) continue;
      const node = now.nodes.find((n) => n.hostname === victim.node);
      if (facts.nodeDownMs === undefined && node && node.state !== 'ready') facts.nodeDownMs = Date.now() - started;
      const elsewhere = (now.service?.tasks ?? []).filter((t) => t.state === 'running' && t.node !== victim.node);
      if (elsewhere.length >= (now.service?.replicas ?? Infinity)) facts.rescheduledMs = Date.now() - started;
    }
  } catch (error) {
    facts.error = (error as Error).message;
  } finally {
    // Put the machine back, whatever happened: the next check (and the next drill) needs it.
    try {
      await docker.startContainer(machine);
      const back = Date.now();
      while (Date.now() - back < 60_000) {
        const now = await api.swarm();
        if (!('error' in now) && now.nodes.find((n) => n.hostname === victim.node)?.state === 'ready') {
          facts.rejoinMs = Date.now() - back;
          break;
        }
        await sleep(250);
      }
    } catch (error) {
      facts.error ??= `starting ${machineContainer(victim.node)} again failed: ${(error as Error).message}`;
    }
  }
  return facts;
}

/** The lesson line of a `swarm-reschedule` check. */
export const swarmRescheduleSpec = (z: Zod) =>
  z.object({
    kind: z.literal('swarm-reschedule'),
    ...checkBase(z),
    manager: z.string().default('manager'),
    service: z.string().default('simple-service'),
    /** Milliseconds from losing a worker machine to the replicas running again on the others. */
    deadline: z.number().int().min(1_000).max(300_000).default(30_000),
  });

export const swarmReschedule: DisruptiveCheckModule<typeof swarmRescheduleSpec, RescheduleFacts> = {
  kind: 'swarm-reschedule',
  spec: swarmRescheduleSpec,
  effect: 'disruptive',
  async drill(spec, { docker }) {
    const { facts, api } = await observeManager(docker, spec.manager, spec.service);
    const up = judgeSwarmUp(spec.manager, facts);
    if (isJudgement(up) || !api) return facts;
    return { ...facts, ...(await runDrill(docker, api, spec, up)) };
  },
  judge: judgeReschedule,
  // The drill changes the world: trying it again after a failure would only repeat the loss.
  retryable: () => false,
};
