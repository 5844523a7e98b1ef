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

/** One check kind: observe gathers facts, judge is pure over them. */
export interface CheckModule<K extends CheckKind, Facts> {
  kind: K;
  observe(spec: SpecOf<K>, context: ObserveContext): Promise<Facts>;
  judge(spec: SpecOf<K>, facts: Facts): Judgement;
  /** True when failing facts may still come right by themselves (a service a moment from listening). */
  settling?(facts: Facts): boolean;
  /** False when a failure cannot come right by waiting, so a check's retries stop early (default: retry). */
  retryable?(facts: Facts): boolean;
}

export const pass = (summary: string): Judgement => ({ status: 'pass', summary });
export const fail = (summary: string, hint?: string): Judgement => ({ status: 'fail', summary, ...(hint ? { hint } : {}) });
export const warn = (summary: string, hint?: string): Judgement => ({ status: 'warn', summary, ...(hint ? { hint } : {}) });
