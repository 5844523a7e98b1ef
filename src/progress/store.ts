import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import { lockHolder, tryLock } from '../runtime/file-lock.js';

/** A check's last result, as progress keeps it. */
export interface CheckSummary {
  title: string;
  status: 'pass' | 'warn' | 'fail';
  summary: string;
}

/** The learner's latest answer to one quiz question: which choice (0 = a), after how many answers in all. */
export interface QuizAnswer {
  choice: number;
  tries: number;
  answeredAt: string;
}

export interface StageProgress {
  status: 'started' | 'passed' | 'failed';
  updatedAt: string;
  passedAt?: string;
  attempts: number;
  lastChecks?: CheckSummary[];
  /** Failures in a row of each check, by title: picks the next, more specific hint. */
  checkFailures?: Record<string, number>;
  /** Quiz answers by question id (absent in files from before quizzes, and until the first answer). */
  quiz?: Record<string, QuizAnswer>;
  /** The stage's challenge as `lab check STAGE --challenge` last judged it (absent until then). */
  challenge?: ChallengeProgress;
}

export interface ChallengeProgress {
  status: 'passed' | 'failed';
  updatedAt: string;
  passedAt?: string;
}

/** A stage's quiz answers, by question id. */
export type QuizRecord = Record<string, QuizAnswer>;

/** Progress by stage id, never by position, so reordering lessons loses nothing. */
export interface Progress {
  version: 1;
  current?: string;
  stages: Record<string, StageProgress>;
}

export const emptyProgress = (): Progress => ({ version: 1, stages: {} });

export interface LoadedProgress {
  progress: Progress;
  /** Set when the file was unreadable and moved aside. */
  warning?: string;
}

export interface ProgressStore {
  readonly path: string;
  load(): LoadedProgress;
  /**
   * The one way progress is written: under the file's lock, reads it afresh, applies `change` and
   * writes the result, so a change made by another `lab` process meanwhile is never lost. Returns
   * what was written.
   */
  update(change: (progress: Progress) => Progress): Progress;
}

/** `$LAB_STATE_DIR`, else `$XDG_STATE_HOME/dockerlab`, else `~/.local/state/dockerlab`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAB_STATE_DIR) return env.LAB_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'dockerlab');
}

export function createProgressStore(dir: string = stateDir(), now: () => Date = () => new Date()): ProgressStore {
  const path = join(dir, 'progress.json');
  const load = (): LoadedProgress => {
    if (!existsSync(path)) return { progress: emptyProgress() };
    const text = readFileSync(path, 'utf8');
    const parsed = safeParse(text);
    if (parsed) return { progress: parsed };
    const aside = `${path}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(path, aside);
    return { progress: emptyProgress(), warning: `Your progress file could not be read; it was moved to ${aside} and the lab starts afresh.` };
  };
  return {
    path,
    load,
    update(change) {
      mkdirSync(dirname(path), { recursive: true });
      return withLock(`${path}.lock`, () => {
        const next = change(load().progress);
        // Written aside, then renamed over: a reader sees the old file or the new one, never half of one.
        const temporary = `${path}.${process.pid}.tmp`;
        writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`);
        renameSync(temporary, path);
        return next;
      });
    },
  };
}

/** How long a writer waits for the lock before saying who holds it. */
const LOCK_WAIT_MS = 10_000;

/** Runs `work` holding the progress file's lock (src/runtime/file-lock.ts), or says who holds it. */
function withLock<T>(lockPath: string, work: () => T): T {
  const release = tryLock(lockPath, LOCK_WAIT_MS);
  if (!release) throw new EnvironmentError(`The progress file is locked by process ${lockHolder(lockPath) ?? '(unknown)'} for over ${LOCK_WAIT_MS / 1000} s: ${lockPath}`, 'If no other `lab` is running, remove that lock file.');
  try {
    return work();
  } finally {
    release();
  }
}

/**
 * Pure: the file's JSON as progress, or undefined when it is not progress (then the file is moved
 * aside). Written out rather than with zod: every command reads this file, and zod's import alone
 * cost a tenth of a second of each. Unknown keys are dropped; a missing attempts count is 0.
 */
export function parseProgress(value: unknown): Progress | undefined {
  if (!isRecord(value) || value.version !== 1 || !isRecord(value.stages)) return undefined;
  if (value.current !== undefined && typeof value.current !== 'string') return undefined;
  const stages: Record<string, StageProgress> = {};
  for (const [id, entry] of Object.entries(value.stages)) {
    const stage = parseStage(entry);
    if (!stage) return undefined;
    stages[id] = stage;
  }
  return { version: 1, ...(value.current !== undefined ? { current: value.current } : {}), stages };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown, min = 0): value is number => Number.isInteger(value) && (value as number) >= min;
const optional = <T>(value: unknown, parse: (v: unknown) => T | undefined): T | undefined | false => (value === undefined ? undefined : (parse(value) ?? false));

function parseStage(entry: unknown): StageProgress | undefined {
  if (!isRecord(entry)) return undefined;
  const { status, updatedAt, passedAt, attempts = 0 } = entry;
  if (status !== 'started' && status !== 'passed' && status !== 'failed') return undefined;
  if (typeof updatedAt !== 'string' || (passedAt !== undefined && typeof passedAt !== 'string') || !isCount(attempts)) return undefined;
  const lastChecks = optional(entry.lastChecks, (v) => (Array.isArray(v) && v.every(isCheckSummary) ? v.map(({ title, status: s, summary }) => ({ title, status: s, summary })) : undefined));
  const checkFailures = optional(entry.checkFailures, (v) => (isRecord(v) && Object.values(v).every((n) => isCount(n)) ? (v as Record<string, number>) : undefined));
  const quiz = optional(entry.quiz, (v) => (isRecord(v) && Object.values(v).every(isQuizAnswer) ? Object.fromEntries(Object.entries(v as Record<string, QuizAnswer>).map(([id, { choice, tries, answeredAt }]) => [id, { choice, tries, answeredAt }])) : undefined));
  const challenge = optional(entry.challenge, (v) => (isChallenge(v) ? { status: v.status, updatedAt: v.updatedAt, ...(v.passedAt !== undefined ? { passedAt: v.passedAt } : {}) } : undefined));
  if (lastChecks === false || checkFailures === false || quiz === false || challenge === false) return undefined;
  return {
    status,
    updatedAt,
    ...(passedAt !== undefined ? { passedAt } : {}),
    attempts,
    ...(lastChecks ? { lastChecks } : {}),
    ...(checkFailures ? { checkFailures } : {}),
    ...(quiz ? { quiz } : {}),
    ...(challenge ? { challenge } : {}),
  };
}

const isChallenge = (v: unknown): v is ChallengeProgress =>
  isRecord(v) && (v.status === 'passed' || v.status === 'failed') && typeof v.updatedAt === 'string' && (v.passedAt === undefined || typeof v.passedAt === 'string');

const isCheckSummary = (v: unknown): v is CheckSummary =>
  isRecord(v) && typeof v.title === 'string' && typeof v.summary === 'string' && (v.status === 'pass' || v.status === 'warn' || v.status === 'fail');
const isQuizAnswer = (v: unknown): v is QuizAnswer => isRecord(v) && isCount(v.choice) && isCount(v.tries, 1) && typeof v.answeredAt === 'string';

function safeParse(text: string): Progress | undefined {
  try {
    return parseProgress(JSON.parse(text));
  } catch {
    return undefined;
  }
}
