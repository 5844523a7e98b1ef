import { setTimeout as sleep } from 'node:timers/promises';
import { isLabError } from '../errors.js';
import { effectOf, moduleOf, type CheckSpec } from './registry.js';
import type { Stage } from '../lessons/types.js';
import type { CheckResult, Judgement, ObserveContext, StageReport } from './types.js';

/**
 * Which checks a run may include: `all` when the learner asked for this stage's check (`lab check
 * STAGE`, the stage's check in the UI, `lab test`); `read-only` when the lab looks unasked or for
 * another purpose (`lab check --all`, `lab report`, live checking), so nothing of theirs is touched.
 */
export type CheckScope = 'all' | 'read-only';

/** A stage's checks that a run of this scope includes, and the titles it leaves out. */
export function checksInScope(checks: CheckSpec[], scope: CheckScope): { included: CheckSpec[]; skipped: string[] } {
  const included = checks.filter((spec) => scope === 'all' || effectOf(spec.kind) === 'read-only');
  return { included, skipped: checks.filter((spec) => !included.includes(spec)).map((spec) => spec.title) };
}

/** How long a settling check may keep looking, and how often. */
export const SETTLE = { withinMs: 3_000, everyMs: 200 };

export interface RunCheckOptions {
  settle?: typeof SETTLE;
  /** How often this check failed in a row before now: picks the escalating hint. */
  previousFailures?: number;
  /** Hears each observation's facts; the last it hears are the ones judged (`lab report`). */
  onFacts?: (facts: unknown) => void;
}

/** Defaults for a check's tries; a lesson sets them per check. */
export const TRIES = { timeout: 30_000, retries: 0, delay: 1_000 };

const definedOnly = <T extends object>(values: T): Partial<T> => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * Observes then judges one check, trying up to `1 + retries` times `delay` ms apart (for things that
 * converge: a Consul leader, an LB backend), each try bounded by `timeout`. An observation that breaks
 * is a failed check, except a lost engine; a failure whose facts are still settling is looked at again.
 */
export async function runCheck(spec: CheckSpec, context: ObserveContext, { settle = SETTLE, previousFailures = 0, onFacts }: RunCheckOptions = {}): Promise<CheckResult> {
  const started = Date.now();
  let judgement: Judgement = { status: 'fail', summary: 'The check did not run.' };
  const { retries, delay } = { ...TRIES, ...definedOnly({ retries: spec.retries, delay: spec.delay }) };
  let attempts = 0;
  while (attempts <= retries) {
    attempts += 1;
    let lastFacts: unknown;
    judgement = await attempt(spec, context, settle, (facts) => {
      lastFacts = facts;
      onFacts?.(facts);
    });
    if (judgement.status !== 'fail' || attempts > retries) break;
    // Waiting helps only what is converging: nothing to wait for when, say, no Consul server runs.
    const module = moduleOf(spec.kind);
    if (lastFacts !== undefined && module.retryable && !module.retryable(lastFacts)) break;
    await sleep(delay);
  }
  const lessonHint = judgement.status === 'pass' ? undefined : escalatedHint(spec, previousFailures);
  const hint = [judgement.hint, lessonHint].filter(Boolean).join(' ');
  return { ...judgement, ...(hint ? { hint } : {}), kind: spec.kind, title: spec.title, attempts, durationMs: Date.now() - started };
}

/** The lesson's hint for this failure: `hint`, or the next of `hints` each time the check fails again. */
export function escalatedHint(spec: Pick<CheckSpec, 'hint' | 'hints'>, previousFailures: number): string | undefined {
  if (spec.hints && spec.hints.length > 0) return spec.hints[Math.min(previousFailures, spec.hints.length - 1)];
  return spec.hint;
}

async function attempt(spec: CheckSpec, context: ObserveContext, settle: typeof SETTLE, onFacts?: (facts: unknown) => void): Promise<Judgement> {
  const module = moduleOf(spec.kind);
  const started = Date.now();
  const look = async (): Promise<Judgement> => {
    if (module.effect === 'disruptive') {
      const facts = await module.drill(spec, context);
      onFacts?.(facts);
      return module.judge(spec, facts);
    }
    for (;;) {
      const facts = await module.observe(spec, context);
      onFacts?.(facts);
      const judgement = module.judge(spec, facts);
      const worthAnotherLook = judgement.status === 'fail' && module.settling?.(facts) && Date.now() - started < settle.withinMs;
      if (!worthAnotherLook) return judgement;
      await sleep(settle.everyMs);
    }
  };
  const limit = spec.timeout ?? TRIES.timeout;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Judgement>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'fail', summary: `The check did not finish within ${(limit / 1000).toFixed(1)} s.`, hint: 'Run `lab doctor` to see whether the engine is healthy.' }),
      limit,
    );
  });
  try {
    return await Promise.race([look(), timeout]);
  } catch (error) {
    if (isLabError(error)) throw error;
    return { status: 'fail', summary: `The check could not look: ${(error as Error).message}`, hint: 'Run `lab doctor` to see whether the engine is healthy.' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a stage's checks in order, reporting each as it finishes. Read-only checks first, then the
 * disruptive ones (the drills) in a phase of their own, and those only in scope `all`: a drill acts on
 * what the others have just seen.
 */
export async function runStageChecks(
  stage: Stage,
  context: ObserveContext,
  onResult?: (result: CheckResult, index: number) => void,
  previousFailures: Record<string, number> = {},
  scope: CheckScope = 'all',
): Promise<StageReport> {
  const { included, skipped } = checksInScope(stage.checks, scope);
  const phased = [...included.filter((s) => effectOf(s.kind) === 'read-only'), ...included.filter((s) => effectOf(s.kind) === 'disruptive')];
  const results: CheckResult[] = [];
  for (const spec of phased) {
    const result = await runCheck(spec, context, { previousFailures: previousFailures[spec.title] ?? 0 });
    results.push(result);
    onResult?.(result, stage.checks.indexOf(spec));
  }
  // Reported in the lesson's order, whatever order they ran in.
  results.sort((a, b) => indexOfTitle(stage, a.title) - indexOfTitle(stage, b.title));
  return { stageId: stage.id, passed: results.every((r) => r.status !== 'fail'), results, ...(skipped.length > 0 ? { skipped } : {}), finishedAt: new Date().toISOString() };
}

const indexOfTitle = (stage: Stage, title: string): number => stage.checks.findIndex((spec) => spec.title === title);
