import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { EnvironmentError } from '../errors.js';

const checkSummarySchema = z.object({ title: z.string(), status: z.enum(['pass', 'warn', 'fail']), summary: z.string() });

/** The learner's latest answer to one quiz question: which choice (0 = a), after how many answers in all. */
const quizAnswerSchema = z.object({
  choice: z.number().int().nonnegative(),
  tries: z.number().int().min(1),
  answeredAt: z.string(),
});

const stageProgressSchema = z.object({
  status: z.enum(['started', 'passed', 'failed']),
  updatedAt: z.string(),
  passedAt: z.string().optional(),
  attempts: z.number().int().nonnegative().default(0),
  lastChecks: z.array(checkSummarySchema).optional(),
  /** Failures in a row of each check, by title: picks the next, more specific hint. */
  checkFailures: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** Quiz answers by question id (absent in files from before quizzes, and until the first answer). */
  quiz: z.record(z.string(), quizAnswerSchema).optional(),
});

/** Progress by stage id, never by position, so reordering lessons loses nothing. */
export const progressSchema = z.object({
  version: z.literal(1),
  current: z.string().optional(),
  stages: z.record(z.string(), stageProgressSchema),
});

export type StageProgress = z.infer<typeof stageProgressSchema>;
export type QuizAnswer = z.infer<typeof quizAnswerSchema>;
/** A stage's quiz answers, by question id. */
export type QuizRecord = Record<string, QuizAnswer>;
export type Progress = z.infer<typeof progressSchema>;

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

/**
 * Runs `work` holding a lock file made with O_EXCL (which exists or not, atomically, on every local
 * file system). A lock left by a process that is gone (killed mid-write) is taken over.
 */
function withLock<T>(lockPath: string, work: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (holderIsGone(lockPath)) {
        rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new EnvironmentError(`The progress file is locked by process ${readHolder(lockPath) ?? '(unknown)'} for over ${LOCK_WAIT_MS / 1000} s: ${lockPath}`, 'If no other `lab` is running, remove that lock file.');
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

const readHolder = (lockPath: string): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
};

function holderIsGone(lockPath: string): boolean {
  const pid = readHolder(lockPath);
  // Made but not yet written by its holder: not gone, unless it has stayed so for a while.
  if (pid === undefined) {
    try {
      return Date.now() - statSync(lockPath).mtimeMs > 2_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function safeParse(text: string): Progress | undefined {
  try {
    const result = progressSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
