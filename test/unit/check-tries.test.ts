import { describe, expect, it } from '@jest/globals';
import { escalatedHint, runCheck } from '../../src/checks/run-checks.js';
import type { ObserveContext } from '../../src/checks/types.js';
import type { CheckSpec } from '../../src/lessons/schema.js';
import { recordReport } from '../../src/progress/record.js';
import { emptyProgress } from '../../src/progress/store.js';
import type { ContainerFacts, DockerClient } from '../../src/runtime/docker.js';

const running: ContainerFacts = { id: 'c', name: 'box', image: 'img', imageId: 'sha256:1', running: true, state: 'running', exitCode: 0, labels: {}, ports: [], networks: {} };

/** A world in which `box` appears on the n-th look, or never; `slowMs` delays each look. */
function world(appearsOnLook = Infinity, slowMs = 0): ObserveContext & { looks: () => number } {
  let looks = 0;
  const docker = {
    async inspectContainer() {
      looks += 1;
      await new Promise((resolve) => setTimeout(resolve, slowMs));
      return looks >= appearsOnLook ? running : undefined;
    },
  } as unknown as DockerClient;
  return { docker, http: { request: async () => ({ ok: false, error: 'unused' }), sequence: async () => [] }, progress: emptyProgress, looks: () => looks };
}

const spec = (over: Partial<Extract<CheckSpec, { kind: 'container-running' }>> = {}): CheckSpec => ({ kind: 'container-running', title: 'box runs', container: 'box', ...over });

describe('check tries', () => {
  it('looks once by default and fails', async () => {
    const context = world();
    const result = await runCheck(spec(), context);
    expect(result).toMatchObject({ status: 'fail', attempts: 1 });
    expect(context.looks()).toBe(1);
  });

  it('retries a converging check until it passes', async () => {
    const context = world(3);
    const result = await runCheck(spec({ retries: 5, delay: 10 }), context);
    expect(result).toMatchObject({ status: 'pass', attempts: 3 });
  });

  it('gives up after its retries, reporting how many tries it took', async () => {
    const context = world();
    const result = await runCheck(spec({ retries: 2, delay: 5 }), context);
    expect(result).toMatchObject({ status: 'fail', attempts: 3 });
    expect(context.looks()).toBe(3);
  });

  it('fails a try that takes longer than its timeout, saying so', async () => {
    const result = await runCheck(spec({ timeout: 100 }), world(1, 1_000));
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('The check did not finish within 0.1 s.');
  });
});

describe('escalating hints', () => {
  const hints = ['Is it running?', 'Look at `docker ps -a`.', 'Read `docker logs box`: it may crash at start.'];

  it('shows the next hint each time the check fails again, then repeats the last', () => {
    expect([0, 1, 2, 3].map((n) => escalatedHint({ hints }, n))).toEqual([hints[0], hints[1], hints[2], hints[2]]);
  });

  it('falls back to the single hint', () => {
    expect(escalatedHint({ hint: 'one' }, 4)).toBe('one');
  });

  it('counts failures in a row per check and starts again after a pass', async () => {
    const failed = { stageId: 's', passed: false, finishedAt: 't', results: [{ kind: 'http' as const, title: 'a', status: 'fail' as const, summary: '', durationMs: 1 }] };
    const passed = { ...failed, passed: true, results: [{ ...failed.results[0]!, status: 'pass' as const }] };
    const twice = recordReport(recordReport(emptyProgress(), failed), failed);
    expect(twice.stages.s?.checkFailures).toEqual({ a: 2 });
    expect(recordReport(twice, passed).stages.s?.checkFailures).toEqual({ a: 0 });
  });

  it('uses the count in a real run: the second failure shows the second hint', async () => {
    const first = await runCheck(spec({ hints }), world(), { previousFailures: 0 });
    const second = await runCheck(spec({ hints }), world(), { previousFailures: 1 });
    expect(first.hint).toContain(hints[0]);
    expect(second.hint).toContain(hints[1]);
    expect(second.hint).not.toContain(hints[0]);
  });
});
