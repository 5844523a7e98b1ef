import { describe, expect, it } from '@jest/globals';
import type { MachineView } from '../../src/probes/machines.js';
import { countRequests, epochMs, judgeRollout, windowStartMs, type RolloutFacts } from '../../src/checks/swarm-rollout.js';
import type { SwarmNode } from '../../src/checks/swarm.js';
import type { RolloutTask, RolloutView } from '../../src/runtime/swarm-api.js';

const manager: MachineView = { name: 'manager', exists: true, running: true, state: 'running', ip: '172.18.0.6', port: 23753, containers: [] };
const node = (hostname: string, extra: Partial<SwarmNode> = {}): SwarmNode => ({ id: hostname, hostname, state: 'ready', availability: 'active', role: 'worker', leader: false, ...extra });
const nodes = [node('manager', { role: 'manager', leader: true }), node('worker-1'), node('worker-2')];
const spec = { manager: 'manager', service: 'simple-service', lb: 'simple-lb', tag: 'v2', replicas: 6, requests: 100 };

const V1 = 'simple-registry:5000/simple-server:latest@sha256:c66a5cb72e017cad977f8dbfe7de59cc9c0cb43f2d06cd8a8da7aa525a50b824';
const V2 = 'simple-registry:5000/simple-server:v2@sha256:0f7e2b9c4d1a66b3f5e8a9d0c2b4e6f8a1c3e5b7d9f0a2c4e6b8d0f2a4c6e8b0';
const at = (second: number) => `2026-12-07T21:10:${String(second).padStart(2, '0')}.123456789Z`;
const task = (slot: number, image: string, second: number, extra: Partial<RolloutTask> = {}): RolloutTask => ({ slot, image, createdAt: at(second), state: 'shutdown', desiredState: 'shutdown', started: true, healthcheck: { intervalNs: 2e9 }, ...extra });
/** Six slots: v1 first, v2 from second 10 (each with the 2 s check), v1 again from the rollback at second 30. */
const history = [1, 2, 3, 4, 5, 6].flatMap((slot) => [
  task(slot, V1, 1, { healthcheck: { test: ['NONE'] } }),
  task(slot, V2, 10 + slot),
  task(slot, V1, 30 + slot, { state: 'running', desiredState: 'running', healthcheck: { test: ['NONE'] } }),
]);
/** simple-lb's log as the engine gives it with timestamps: one httplog line per request. */
const logLine = (second: number, status = 200, server = 'web3') =>
  `${at(second)} 10.0.1.2:40122 [07/Dec/2026:21:10:${String(second).padStart(2, '0')}.118] http-in webservers/${server} 0/0/0/1/1 ${status} 171 - - ---- 1/1/0/0/0 0/0 "GET /health HTTP/1.1"`;
const load = (from: number, to: number, perSecond: number) => Array.from({ length: (to - from) * perSecond }, (_, i) => logLine(from + Math.floor(i / perSecond)));
const view = (extra: Partial<RolloutView> = {}): RolloutView => ({ image: V1, updateState: 'rollback_completed', updateStartedAt: at(30), updateCompletedAt: at(40), tasks: history, lbLog: load(9, 45, 10), ...extra });
const facts = (rollout: RolloutView | { error: string }): RolloutFacts => ({ manager, swarm: { nodes }, rollout });
const judge = (rollout: RolloutView | { error: string }) => judgeRollout(spec, facts(rollout), epochMs(at(50)));

describe('the rolling-update challenge, judged over recorded Swarm and HAProxy answers', () => {
  it('passes a rollout to v2 on every slot, with a health check, rolled back, with 100+ requests and none failed', () => {
    expect(judge(view())).toEqual({
      status: 'pass',
      summary: 'simple-service ran v2 on all 6 slots, each with a health check, and was rolled back; simple-lb logged 310 requests from the first v2 task to the end of the rollback (30.0 s), none failed.',
    });
  });

  it('counts only the window: from a second before the first v2 task to the rollback’s end, by the engine’s timestamps', () => {
    expect(windowStartMs(history, 'v2')).toBe(epochMs(at(11)) - 1_000);
    expect(countRequests([logLine(9), logLine(10), logLine(39), logLine(40), logLine(41), 'a line that is not a request'], epochMs(at(10)), epochMs(at(40)))).toEqual({ sent: 3, failed: [] });
  });

  it('fails on a failed request in the window, naming its status and server', () => {
    const judgement = judge(view({ lbLog: [...load(9, 45, 10), logLine(20, 503, '<NOSRV>')] }));
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toBe('1 of 311 requests through simple-lb failed during the rollout (30.0 s): 503 from <NOSRV>.');
    expect(judgement.hint).toContain('--update-order start-first');
  });

  it('fails when too few requests were sent to call it under load', () => {
    expect(judge(view({ lbLog: load(12, 15, 10) })).summary).toBe('simple-lb logged 30 requests from the first v2 task to the end of the rollback (30.0 s); a rollout under load needs at least 100.');
  });

  it('fails before any v2, on a partial rollout, without a health check, while rolling, and when not rolled back', () => {
    expect(judge(view({ tasks: history.filter((t) => t.image === V1) })).summary).toBe('simple-service never ran version v2: no task in its history has an image tagged v2.');
    expect(judge(view({ tasks: history.filter((t) => !(t.image === V2 && t.slot > 2)) })).summary).toBe('Only 2 slots of simple-service ran v2 (the stage runs 6): the update did not reach every task.');
    const unchecked = history.map((t) => (t.image === V2 ? { ...t, healthcheck: { test: ['NONE'] } } : t));
    expect(judge(view({ tasks: unchecked })).summary).toBe('v2 ran without a health check (6 tasks): Swarm let each new task take requests the moment its process started.');
    expect(judge(view({ updateState: 'updating' })).summary).toBe('simple-service is still rolling (updating).');
    expect(judge(view({ image: V2, updateState: 'completed' }))).toMatchObject({ status: 'fail', summary: 'simple-service runs simple-registry:5000/simple-server:v2 and was not rolled back (its last update: completed).' });
  });

  it('says what the manager could not answer', () => {
    expect(judge({ error: 'service simple-service not found' }).summary).toBe('The manager cannot say how simple-service was updated: service simple-service not found.');
    expect(judge(view({ lbError: 'no running container of the service simple-lb on the manager' })).summary).toBe("simple-lb's log cannot be read: no running container of the service simple-lb on the manager.");
  });
});
