import type { CheckKind, CheckSpec } from '../lessons/schema.js';
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

type SpecOf<K extends CheckKind> = Extract<CheckSpec, { kind: K }>;

/**
 * What running a check does to the lab. `read-only` checks only look, and run whenever asked: from
 * `lab check --all`, `lab report`, live checking. `disruptive` ones (the drills) break the lab on
 * purpose and put it back; they run only when their own stage is checked (`lab check STAGE`, the
 * stage's check in the UI, `lab test`).
 */
export type CheckEffect = 'read-only' | 'disruptive';

interface CheckModuleBase<K extends CheckKind, Facts> {
  kind: K;
  judge(spec: SpecOf<K>, facts: Facts): Judgement;
  /** False when a failure cannot come right by waiting, so a check's retries stop early (default: retry). */
  retryable?(facts: Facts): boolean;
}

/** Looks and changes nothing: observe gathers facts, judge is pure over them. */
export interface ReadOnlyCheckModule<K extends CheckKind, Facts> extends CheckModuleBase<K, Facts> {
  effect: 'read-only';
  observe(spec: SpecOf<K>, context: ObserveContext): Promise<Facts>;
  /** True when failing facts may still come right by themselves (a service a moment from listening). */
  settling?(facts: Facts): boolean;
}

/** Acts on the lab, measures how it copes, and restores what it changed; resolves with what it saw. */
export interface DisruptiveCheckModule<K extends CheckKind, Facts> extends CheckModuleBase<K, Facts> {
  effect: 'disruptive';
  drill(spec: SpecOf<K>, context: ObserveContext): Promise<Facts>;
}

/** One check kind. Its effect is required: a kind that does not say whether it acts does not compile. */
export type CheckModule<K extends CheckKind, Facts> = ReadOnlyCheckModule<K, Facts> | DisruptiveCheckModule<K, Facts>;

export const pass = (summary: string): Judgement => ({ status: 'pass', summary });
export const fail = (summary: string, hint?: string): Judgement => ({ status: 'fail', summary, ...(hint ? { hint } : {}) });
export const warn = (summary: string, hint?: string): Judgement => ({ status: 'warn', summary, ...(hint ? { hint } : {}) });
