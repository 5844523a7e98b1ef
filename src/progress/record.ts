import type { StageReport } from '../checks/types.js';
import type { Progress, QuizRecord, StageProgress } from './store.js';

/** Pure updates of progress; the recorder (src/progress/recorder.ts) writes them, each under the file's lock. */
export function recordStarted(progress: Progress, stageId: string, at: string): Progress {
  const previous = progress.stages[stageId];
  if (previous) return { ...progress, current: stageId };
  return { ...progress, current: stageId, stages: { ...progress.stages, [stageId]: { status: 'started', updatedAt: at, attempts: 0 } } };
}

export function recordReport(progress: Progress, report: StageReport): Progress {
  const previous = progress.stages[report.stageId];
  const at = report.finishedAt;
  return {
    ...progress,
    stages: {
      ...progress.stages,
      [report.stageId]: {
        status: report.passed ? 'passed' : 'failed',
        updatedAt: at,
        attempts: (previous?.attempts ?? 0) + 1,
        ...(report.passed ? { passedAt: at } : previous?.passedAt ? { passedAt: previous.passedAt } : {}),
        // A check the run left out (a drill, in a read-only re-check) keeps what it last found.
        lastChecks: [
          ...report.results.map(({ title, status, summary }) => ({ title, status, summary })),
          ...(previous?.lastChecks ?? []).filter((check) => report.skipped?.includes(check.title)),
        ],
        checkFailures: Object.fromEntries([
          ...Object.entries(previous?.checkFailures ?? {}).filter(([title]) => report.skipped?.includes(title)),
          ...report.results.map(({ title, status }) => [title, status === 'fail' ? (previous?.checkFailures?.[title] ?? 0) + 1 : 0]),
        ]),
        ...(previous?.quiz ? { quiz: previous.quiz } : {}),
        ...(previous?.challenge ? { challenge: previous.challenge } : {}),
      },
    },
  };
}

export function forgetStages(progress: Progress, stageIds: string[]): Progress {
  const stages = Object.fromEntries(Object.entries(progress.stages).filter(([id]) => !stageIds.includes(id)));
  const current = progress.current && !stageIds.includes(progress.current) ? progress.current : undefined;
  return { version: 1, stages, ...(current ? { current } : {}) };
}

/** How often each check of a stage failed in a row, for escalating hints. */
export const failuresOf = (progress: Progress, stageId: string): Record<string, number> => progress.stages[stageId]?.checkFailures ?? {};

/** The stage's entry, made (as started) if the learner had not opened it yet. */
const stageEntry = (progress: Progress, stageId: string, at: string): StageProgress => progress.stages[stageId] ?? { status: 'started', updatedAt: at, attempts: 0 };

/**
 * The learner's latest answer to a quiz question, by question id and choice index (0 = a), counting
 * the tries. `lab quiz --answer` and the interface's quiz pane both record through this.
 */
export function recordAnswer(progress: Progress, stageId: string, questionId: string, choice: number, at: string): Progress {
  const entry = stageEntry(progress, stageId, at);
  const tries = (entry.quiz?.[questionId]?.tries ?? 0) + 1;
  return { ...progress, stages: { ...progress.stages, [stageId]: { ...entry, updatedAt: at, quiz: { ...entry.quiz, [questionId]: { choice, tries, answeredAt: at } } } } };
}

/** `lab quiz STAGE --reset`: the stage's answers forgotten, the rest of its progress kept. */
export function forgetAnswers(progress: Progress, stageId: string): Progress {
  const entry = progress.stages[stageId];
  if (!entry?.quiz) return progress;
  const { quiz: _forgotten, ...rest } = entry;
  return { ...progress, stages: { ...progress.stages, [stageId]: rest } };
}

/** A stage's recorded quiz answers (none before the first). */
export const answersOf = (progress: Progress, stageId: string): QuizRecord => progress.stages[stageId]?.quiz ?? {};

/** A judgement of the stage's challenge (`lab check STAGE --challenge`): the stage's own status is left as it is. */
export function recordChallenge(progress: Progress, report: StageReport): Progress {
  const at = report.finishedAt;
  const entry = stageEntry(progress, report.stageId, at);
  const passedAt = report.passed ? at : entry.challenge?.passedAt;
  return { ...progress, stages: { ...progress.stages, [report.stageId]: { ...entry, challenge: { status: report.passed ? 'passed' : 'failed', updatedAt: at, ...(passedAt ? { passedAt } : {}) } } } };
}
