import type { z } from 'zod';
import type { CheckKind } from './registry.js';
import type { DockerClient } from '../runtime/docker.js';
import type { Progress } from '../progress/store.js';
import type { HttpClient } from '../runtime/http.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';

/** What a judge decides: a result, not an error. */
export interface Judgement {
  status: CheckStatus;
  summary: string;
  /** Names the container, the command to look closer, and the likely cause. */
  hint?: string;
}

export interface CheckResult extends Judgement {
  kind: CheckKind;
  title: string;
  /** Tries it took (1 unless the check has retries). */
  attempts?: number;
  durationMs: number;
}

export interface StageReport {
  stageId: string;
  passed: boolean;
  results: CheckResult[];
  /** Titles of the disruptive checks this run left out (scope `read-only`). */
  skipped?: string[];
  finishedAt: string;
}

/** The world as checks may read it. */
export interface ObserveContext {
  docker: DockerClient;
  http: HttpClient;
  /** The learner's progress as saved now: what a quiz check reads its answers from. */
  progress: () => Progress;
}

/** The zod a kind's spec is made with: handed in, so running checks never loads zod (only a lesson load does). */
export type Zod = typeof z;

/** A kind's lesson line, as a zod object whose `kind` is the kind's literal name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SpecMaker = (zod: Zod) => z.ZodObject<{ kind: z.ZodLiteral<string> } & Record<string, any>>;

/** The spec a kind's judge and observe receive: what its lesson line parses to, defaults filled. */
export type SpecFrom<M extends SpecMaker> = z.output<ReturnType<M>>;

/**
 * What running a check does to the lab. `read-only` checks only look, and run whenever asked: from
 * `lab check --all`, `lab report`, live checking. `disruptive` ones (the drills) break the lab on
 * purpose and put it back; they run only when their own stage is checked (`lab check STAGE`, the
 * stage's check in the UI, `lab test`).
 */
export type CheckEffect = 'read-only' | 'disruptive';

interface CheckModuleBase<M extends SpecMaker, Facts> {
  kind: SpecFrom<M>['kind'];
  /** The lesson line's schema: the lessons' check union is built from every kind's (src/checks/registry.ts). */
  spec: M;
  judge(spec: SpecFrom<M>, facts: Facts): Judgement;
  /** False when a failure cannot come right by waiting, so a check's retries stop early (default: retry). */
  retryable?(facts: Facts): boolean;
}

/** Looks and changes nothing: observe gathers facts, judge is pure over them. */
export interface ReadOnlyCheckModule<M extends SpecMaker, Facts> extends CheckModuleBase<M, Facts> {
  effect: 'read-only';
  observe(spec: SpecFrom<M>, context: ObserveContext): Promise<Facts>;
  /** True when failing facts may still come right by themselves (a service a moment from listening). */
  settling?(facts: Facts): boolean;
}

/** Acts on the lab, measures how it copes, and restores what it changed; resolves with what it saw. */
export interface DisruptiveCheckModule<M extends SpecMaker, Facts> extends CheckModuleBase<M, Facts> {
  effect: 'disruptive';
  drill(spec: SpecFrom<M>, context: ObserveContext): Promise<Facts>;
}

/** One check kind. Its effect is required: a kind that does not say whether it acts does not compile. */
export type CheckModule<M extends SpecMaker, Facts> = ReadOnlyCheckModule<M, Facts> | DisruptiveCheckModule<M, Facts>;

export const pass = (summary: string): Judgement => ({ status: 'pass', summary });
export const fail = (summary: string, hint?: string): Judgement => ({ status: 'fail', summary, ...(hint ? { hint } : {}) });
export const warn = (summary: string, hint?: string): Judgement => ({ status: 'warn', summary, ...(hint ? { hint } : {}) });
