import { isLabError } from '../errors.js';
import type { CheckSpec } from '../lessons/schema.js';
import type { Stage } from '../lessons/types.js';
import { containerLog } from './container-log.js';
import { containerRunning } from './container-running.js';
import { httpEndpoint } from './http-endpoint.js';
import { lbRoundRobin, lbSpread } from './load-balancers.js';
import { registryImage } from './registry-image.js';
import { serversCheck } from './servers.js';
import type { CheckModule, CheckResult, Judgement, ObserveContext, StageReport } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const MODULES: Record<CheckSpec['kind'], CheckModule<any, any>> = {
  'registry-image': registryImage,
  'container-running': containerRunning,
  'container-log': containerLog,
  http: httpEndpoint,
  servers: serversCheck,
  'lb-spread': lbSpread,
  'lb-roundrobin': lbRoundRobin,
};

/** How long a settling check may keep looking, and how often. */
export const SETTLE = { withinMs: 3_000, everyMs: 200 };

/**
 * Observes then judges one check; an observation that breaks is a failed check, except a lost engine.
 * A failure whose facts are still settling (a service a moment from listening) is looked at again.
 */
export async function runCheck(spec: CheckSpec, context: ObserveContext, settle = SETTLE): Promise<CheckResult> {
  const started = Date.now();
  const module = MODULES[spec.kind];
  let judgement: Judgement;
  try {
    for (;;) {
      const facts = await module.observe(spec, context);
      judgement = module.judge(spec, facts);
      const worthAnotherLook = judgement.status === 'fail' && module.settling?.(facts) && Date.now() - started < settle.withinMs;
      if (!worthAnotherLook) break;
      await new Promise((resolve) => setTimeout(resolve, settle.everyMs));
    }
  } catch (error) {
    if (isLabError(error)) throw error;
    judgement = { status: 'fail', summary: `The check could not look: ${(error as Error).message}`, hint: 'Run `lab doctor` to see whether the engine is healthy.' };
  }
  const hint = [judgement.hint, judgement.status === 'pass' ? undefined : spec.hint].filter(Boolean).join(' ');
  return { ...judgement, ...(hint ? { hint } : {}), kind: spec.kind, title: spec.title, durationMs: Date.now() - started };
}

/** Runs a stage's checks in order, reporting each as it finishes. */
export async function runStageChecks(stage: Stage, context: ObserveContext, onResult?: (result: CheckResult, index: number) => void): Promise<StageReport> {
  const results: CheckResult[] = [];
  for (const [index, spec] of stage.checks.entries()) {
    const result = await runCheck(spec, context);
    results.push(result);
    onResult?.(result, index);
  }
  return { stageId: stage.id, passed: results.every((r) => r.status !== 'fail'), results, finishedAt: new Date().toISOString() };
}
