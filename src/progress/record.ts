import type { StageReport } from '../checks/types.js';
import type { Progress } from './store.js';

/** Pure updates of progress; the machine's actions and the CLI commands share them. */
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
        lastChecks: report.results.map(({ title, status, summary }) => ({ title, status, summary })),
        checkFailures: Object.fromEntries(report.results.map(({ title, status }) => [title, status === 'fail' ? (previous?.checkFailures?.[title] ?? 0) + 1 : 0])),
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
