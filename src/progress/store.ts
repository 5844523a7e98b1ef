import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

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
  save(progress: Progress): void;
}

/** `$LAB_STATE_DIR`, else `$XDG_STATE_HOME/dockerlab`, else `~/.local/state/dockerlab`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAB_STATE_DIR) return env.LAB_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'dockerlab');
}

export function createProgressStore(dir: string = stateDir(), now: () => Date = () => new Date()): ProgressStore {
  const path = join(dir, 'progress.json');
  return {
    path,
    load() {
      if (!existsSync(path)) return { progress: emptyProgress() };
      const text = readFileSync(path, 'utf8');
      const parsed = safeParse(text);
      if (parsed) return { progress: parsed };
      const aside = `${path}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(path, aside);
      return { progress: emptyProgress(), warning: `Your progress file could not be read; it was moved to ${aside} and the lab starts afresh.` };
    },
    save(progress) {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(progress, null, 2)}\n`);
      renameSync(temporary, path);
    },
  };
}

function safeParse(text: string): Progress | undefined {
  try {
    const result = progressSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
