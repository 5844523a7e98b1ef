import { describe, expect, it } from '@jest/globals';
import { checkKinds, checksInScope, effectOf, runStageChecks } from '../../src/checks/run-checks.js';
import type { ObserveContext } from '../../src/checks/types.js';
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

  it('marks the drills, and only them, as disruptive', () => {
    expect(checkKinds().filter((kind) => effectOf(kind) === 'disruptive').sort()).toEqual(['consul-drill', 'swarm-reschedule']);
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
