import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import type Docker from 'dockerode';
import type { MachineView } from '../../src/probes/machines.js';
import { judgeReschedule, judgeSwarmNodes, judgeSwarmRequests, judgeSwarmService, pickVictim, type SwarmNode, type SwarmTask } from '../../src/checks/swarm.js';
import { observeSwarm } from '../../src/runtime/swarm-api.js';
import { renderSwarmConfig } from '../../src/runtime/haproxy-swarm-config.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/swarm/${name}`, import.meta.url), 'utf8'));
/** The Swarm API's answers recorded from a real three-machine swarm (manager, worker-1, worker-2). */
const recordedApi = { listNodes: async () => fixture('nodes.json'), listServices: async () => fixture('services.json'), listTasks: async () => fixture('tasks.json') } as unknown as Docker;

const manager: MachineView = { name: 'manager', exists: true, running: true, state: 'running', ip: '172.18.0.6', port: 23753, containers: [] };
const node = (hostname: string, extra: Partial<SwarmNode> = {}): SwarmNode => ({ id: hostname, hostname, state: 'ready', availability: 'active', role: 'worker', leader: false, ...extra });
const nodes = [node('manager', { role: 'manager', leader: true }), node('worker-1'), node('worker-2')];
const tasks = (placement: string[], state = 'running'): SwarmTask[] => placement.map((n, i) => ({ slot: i + 1, node: n, state }));
const spread = tasks(['manager', 'worker-1', 'worker-2', 'manager', 'worker-1', 'worker-2']);

describe('observeSwarm over recorded Swarm API answers', () => {
  it('reads nodes, the service and its tasks by node hostname', async () => {
    const view = await observeSwarm(recordedApi, 'simple-service');
    if ('error' in view) throw new Error(view.error);
    expect(view.nodes.map((n) => [n.hostname, n.state, n.availability, n.role, n.leader]).sort()).toEqual([
      ['manager', 'ready', 'active', 'manager', true],
      ['worker-1', 'ready', 'active', 'worker', false],
      ['worker-2', 'ready', 'active', 'worker', false],
    ]);
    expect(view.service?.replicas).toBe(6);
    expect(view.service?.tasks.filter((t) => t.state === 'running')).toHaveLength(6);
    expect(new Set(view.service?.tasks.map((t) => t.node))).toEqual(new Set(['manager', 'worker-1', 'worker-2']));
    expect(judgeSwarmNodes({ manager: 'manager', nodes: 3, managers: 1 }, { manager, swarm: view }).status).toBe('pass');
    expect(judgeSwarmService({ manager: 'manager', service: 'simple-service', replicas: 6, spread: 2 }, { manager, swarm: view }).status).toBe('pass');
  });

  it('turns an engine that is not in a swarm into an error the judge explains', async () => {
    const notManager = { listNodes: async () => Promise.reject(Object.assign(new Error('(HTTP code 503)'), { json: { message: 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.' } })) } as unknown as Docker;
    const view = await observeSwarm(notManager);
    expect(judgeSwarmNodes({ manager: 'manager', nodes: 3, managers: 1 }, { manager, swarm: view })).toMatchObject({ status: 'fail', hint: '`eval $(lab machine env manager) && docker swarm init --advertise-addr eth0`.' });
  });
});

describe('swarm-nodes', () => {
  const spec = { manager: 'manager', nodes: 3, managers: 1 };
  it('passes with three ready, active nodes and one manager', () => {
    expect(judgeSwarmNodes(spec, { manager, swarm: { nodes } })).toMatchObject({ status: 'pass', summary: '3 nodes ready and active: manager (leader), worker-1, worker-2.' });
  });
  it('fails on a missing worker, a down node, a drained node, a second manager, a stopped manager machine', () => {
    expect(judgeSwarmNodes(spec, { manager, swarm: { nodes: nodes.slice(0, 2) } }).summary).toBe('The swarm has 2 nodes; the stage wants 3.');
    expect(judgeSwarmNodes(spec, { manager, swarm: { nodes: [nodes[0]!, nodes[1]!, node('worker-2', { state: 'down' })] } })).toMatchObject({ summary: 'worker-2 is down.', hint: expect.stringContaining('docker start lab-machine-worker-2') });
    expect(judgeSwarmNodes(spec, { manager, swarm: { nodes: [nodes[0]!, node('worker-1', { availability: 'drain' }), nodes[2]!] } })).toMatchObject({ summary: 'worker-1 (availability drain): Swarm schedules no task there.', hint: '`docker node update --availability active worker-1` on the manager.' });
    expect(judgeSwarmNodes(spec, { manager, swarm: { nodes: [nodes[0]!, node('worker-1', { role: 'manager' }), nodes[2]!] } }).summary).toBe('The swarm has 2 managers; the stage wants 1.');
    expect(judgeSwarmNodes(spec, { manager: { ...manager, running: false, state: 'exited' }, swarm: { error: 'not asked' } }).summary).toBe('The machine "manager" is exited.');
  });
});

describe('swarm-service', () => {
  const spec = { manager: 'manager', service: 'simple-service', replicas: 6, spread: 2 };
  it('passes with all replicas running over several nodes', () => {
    expect(judgeSwarmService(spec, { manager, swarm: { nodes, service: { name: 'simple-service', replicas: 6, tasks: spread } } }).summary).toBe('6/6 replicas of simple-service running on manager (2), worker-1 (2), worker-2 (2).');
  });
  it('fails when missing, scaled to 0, short of running tasks, or all on one node', () => {
    expect(judgeSwarmService(spec, { manager, swarm: { nodes } }).summary).toBe('There is no service "simple-service" in the swarm.');
    expect(judgeSwarmService(spec, { manager, swarm: { nodes, service: { name: 'simple-service', replicas: 0, tasks: [] } } })).toMatchObject({ summary: 'simple-service wants 0 replicas; the stage wants at least 6.', hint: '`docker service scale simple-service=6` on the manager.' });
    const starting = [...spread.slice(0, 4), ...tasks(['worker-1', 'worker-2'], 'preparing')];
    expect(judgeSwarmService(spec, { manager, swarm: { nodes, service: { name: 'simple-service', replicas: 6, tasks: starting } } }).summary).toMatch(/^4 of 6 replicas of simple-service are running \(simple-service.1 preparing on worker-1/);
    expect(judgeSwarmService(spec, { manager, swarm: { nodes, service: { name: 'simple-service', replicas: 6, tasks: tasks(Array(6).fill('manager')) } } }).summary).toBe('All 6 replicas run on manager: spread over 1 node, the stage wants 2.');
  });
});

describe('swarm-requests', () => {
  const spec = { port: 8686, distinct: 3 };
  it('passes when several replicas answer, fails on errors or too few', () => {
    expect(judgeSwarmRequests(spec, { served: ['simple-service.1', 'simple-service.2', 'simple-service.3'].map((server) => ({ server })) }).status).toBe('pass');
    expect(judgeSwarmRequests(spec, { served: [{ server: 'simple-service.1' }, { server: 'simple-service.1' }] }).summary).toBe('2 requests reached only simple-service.1; the stage wants at least 3 different replicas.');
    expect(judgeSwarmRequests(spec, { served: [{ error: 'status 503' }] }).summary).toMatch(/answered 503/);
    expect(judgeSwarmRequests(spec, { served: [{ error: 'ECONNREFUSED' }] }).summary).toBe('1 of 1 requests through 127.0.0.1:8686 failed (ECONNREFUSED).');
  });
});

describe('swarm-reschedule', () => {
  const spec = { manager: 'manager', service: 'simple-service', deadline: 30_000 };
  const swarm = { nodes, service: { name: 'simple-service', replicas: 6, tasks: tasks(['manager', 'worker-1', 'worker-2', 'worker-2', 'worker-1', 'worker-2']) } };

  it('loses the worker with the most tasks, never the manager', () => {
    expect(pickVictim(swarm)).toEqual({ node: 'worker-2', tasks: 3 });
    expect(pickVictim({ nodes, service: { name: 's', replicas: 2, tasks: tasks(['manager', 'manager']) } })).toBeUndefined();
  });

  it('passes within the deadline and reports the times; fails past it, or with nothing to lose', () => {
    const drill = { manager, swarm, victim: 'worker-2', lostTasks: 3, replicas: 6, nodeDownMs: 3_200, rescheduledMs: 7_800, rejoinMs: 1_900 };
    expect(judgeReschedule(spec, drill).summary).toBe('worker-2 lost with 3 tasks: marked down after 3.2 s, all 6 replicas running on the others after 7.8 s. worker-2 was started again and rejoined in 1.9 s.');
    const late = judgeReschedule(spec, { ...drill, rescheduledMs: undefined, nodeDownMs: undefined });
    expect(late).toMatchObject({ status: 'fail', hint: expect.stringContaining('--dispatcher-heartbeat 2s') });
    expect(late.summary).toMatch(/within 30\.0 s \(the manager never marked the node down\)/);
    expect(judgeReschedule(spec, { ...drill, rescheduledMs: 31_000 }).status).toBe('fail');
    expect(judgeReschedule(spec, { manager, swarm }).summary).toBe('No worker node runs a task of simple-service: losing one would prove nothing.');
  });
});

describe('haproxy/swarm.cfg', () => {
  it('is what the generator writes: slots from tasks.simple-service on Docker\'s DNS', () => {
    expect(readFileSync(new URL('../../haproxy/swarm.cfg', import.meta.url), 'utf8')).toBe(renderSwarmConfig());
    expect(renderSwarmConfig()).toContain('nameserver docker 127.0.0.11:53');
    expect(renderSwarmConfig()).toContain('server-template web 20 tasks.simple-service:8080 resolvers docker init-addr none');
  });
});
