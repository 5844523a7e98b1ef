import { describe, expect, it } from '@jest/globals';
import { checkKinds, effectOf } from '../../src/checks/registry.js';
import { checksInScope, runStageChecks } from '../../src/checks/run-checks.js';
import { checkBase } from '../../src/checks/spec-base.js';
import { pass, type CheckModule, type ObserveContext, type Zod } from '../../src/checks/types.js';
import { checkSchema, type CheckSpec } from '../../src/lessons/schema.js';
import type { Stage } from '../../src/lessons/types.js';
import { recordReport } from '../../src/progress/record.js';
import { emptyProgress } from '../../src/progress/store.js';
import type { ContainerFacts, DockerClient } from '../../src/runtime/docker.js';

const box: ContainerFacts = { id: 'c', name: 'box', image: 'img', imageId: 'sha256:1', running: true, state: 'running', exitCode: 0, labels: {}, ports: [], networks: {} };

/** An engine that has `box` running, and records every call made to it: a drill would call more than inspect. */
function recordingWorld(): ObserveContext & { calls: string[] } {
  const calls: string[] = [];
  const docker = new Proxy({} as DockerClient, {
    get: (_target, name) => async () => {
      calls.push(String(name));
      return name === 'inspectContainer' ? box : undefined;
    },
  });
  return { docker, http: { request: async () => ({ ok: false, error: 'unused' }), sequence: async () => [] }, progress: emptyProgress, calls };
}

const running: CheckSpec = { kind: 'container-running', title: 'box runs', container: 'box' };
const drill = checkSchema.parse({
  kind: 'consul-drill',
  title: 'the drill',
  remove: ['server_1'],
  lb: 'simple_haproxy_1',
  servers: 5,
  rate: 10,
  deadline: 1000,
});
const stage = { id: 'service-discovery', checks: [drill, running] } as unknown as Stage;

describe('the check registry', () => {
  it('has a module for every kind the lesson schema accepts, each saying whether it acts', () => {
    const schemaKinds = checkSchema.options.map((option) => option.shape.kind.value).sort();
    expect(checkKinds().sort()).toEqual(schemaKinds);
    for (const kind of checkKinds()) expect(['read-only', 'disruptive']).toContain(effectOf(kind));
  });

  it('takes each kind\'s lesson line from its module: a field of the module\'s spec is checked, with its default', () => {
    expect(checkSchema.parse({ kind: 'consul-quorum', title: 'quorum' })).toEqual({ kind: 'consul-quorum', title: 'quorum', servers: 5 });
    expect(checkSchema.safeParse({ kind: 'consul-quorum', title: 'quorum', servers: 10 }).success).toBe(false);
    expect(checkSchema.safeParse({ kind: 'no-such-kind', title: 'x' }).success).toBe(false);
  });

  it('does not compile a kind without its effect or its judge, or whose kind is not its spec\'s', () => {
    const spec = (z: Zod) => z.object({ kind: z.literal('box-check'), ...checkBase(z), box: z.string() });
    const observe = async () => ({});
    // @ts-expect-error: a module must say whether it acts on the lab
    const noEffect: CheckModule<typeof spec, object> = { kind: 'box-check', spec, observe, judge: () => pass('ok') };
    // @ts-expect-error: a module must judge what it observed
    const noJudge: CheckModule<typeof spec, object> = { kind: 'box-check', spec, effect: 'read-only', observe };
    // @ts-expect-error: a module's kind is its spec's literal
    const otherKind: CheckModule<typeof spec, object> = { kind: 'other-check', spec, effect: 'read-only', observe, judge: () => pass('ok') };
    const judged: CheckModule<typeof spec, object> = { kind: 'box-check', spec, effect: 'read-only', observe, judge: (line) => pass(line.box) };
    expect([noEffect, noJudge, otherKind].every(Boolean)).toBe(true);
    expect(judged.judge({ kind: 'box-check', title: 't', box: 'box runs' }, {}).summary).toBe('box runs');
  });

  it('marks the drills, and only them, as disruptive', () => {
    expect(checkKinds().filter((kind) => effectOf(kind) === 'disruptive').sort()).toEqual(['consul-drill', 'health-drill', 'swarm-reschedule']);
  });

  it('leaves the drills out of a read-only scope, by title', () => {
    expect(checksInScope([running, drill], 'read-only')).toEqual({ included: [running], skipped: ['the drill'] });
    expect(checksInScope([running, drill], 'all')).toEqual({ included: [running, drill], skipped: [] });
  });

  it('never touches the engine beyond looking when a read-only run meets a drill', async () => {
    const world = recordingWorld();
    const report = await runStageChecks(stage, world, undefined, {}, 'read-only');
    expect(report).toMatchObject({ passed: true, skipped: ['the drill'], results: [{ title: 'box runs', status: 'pass' }] });
    expect(world.calls).toEqual(['inspectContainer']);
  });

  it('runs the drill in a phase after the read-only checks, and reports in the lesson order', async () => {
    const world = recordingWorld();
    const order: string[] = [];
    const report = await runStageChecks(stage, world, (result) => order.push(result.title), {}, 'all');
    expect(order).toEqual(['box runs', 'the drill']);
    expect(report.results.map((r) => r.title)).toEqual(['the drill', 'box runs']);
    // The drill looked for what it must remove before acting: it did more than the one inspect.
    expect(world.calls.length).toBeGreaterThan(1);
  });

  it('keeps what a drill last found when a read-only re-check left it out', () => {
    const at = '2026-12-02T00:00:00.000Z';
    const first = recordReport(emptyProgress(), {
      stageId: 'service-discovery',
      passed: false,
      finishedAt: at,
      results: [
        { kind: 'consul-drill', title: 'the drill', status: 'fail', summary: 'did not converge', durationMs: 1 },
        { kind: 'container-running', title: 'box runs', status: 'pass', summary: 'runs', durationMs: 1 },
      ],
    });
    const again = recordReport(first, { stageId: 'service-discovery', passed: true, finishedAt: at, skipped: ['the drill'], results: [{ kind: 'container-running', title: 'box runs', status: 'pass', summary: 'runs', durationMs: 1 }] });
    expect(again.stages['service-discovery']?.lastChecks?.map((c) => `${c.title}:${c.status}`).sort()).toEqual(['box runs:pass', 'the drill:fail']);
    expect(again.stages['service-discovery']?.checkFailures).toEqual({ 'the drill': 1, 'box runs': 0 });
  });
});
