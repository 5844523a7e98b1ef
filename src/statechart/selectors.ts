import type { SnapshotFrom } from 'xstate';
import { isUnlocked, type LabContext, type labMachine } from './lab-machine.js';

export type StageStatus = 'locked' | 'available' | 'in-progress' | 'passed' | 'failed';
export type Activity = 'browsing' | 'preparing' | 'reading' | 'runningStep' | 'checking' | 'solving' | 'resetting';

export type LabSnapshot = SnapshotFrom<typeof labMachine>;

/** A stage's status as the stage list shows it. */
export function stageStatus(context: Pick<LabContext, 'stages' | 'progress'>, stageId: string): StageStatus {
  const saved = context.progress.stages[stageId]?.status;
  if (saved === 'passed' || saved === 'failed') return saved;
  if (!isUnlocked(context, stageId)) return 'locked';
  return saved === 'started' ? 'in-progress' : 'available';
}

export function activityOf(snapshot: LabSnapshot): Activity {
  if (snapshot.matches('browsing') || snapshot.matches('starting')) return 'browsing';
  for (const activity of ['preparing', 'runningStep', 'checking', 'solving', 'resetting'] as const) {
    if (snapshot.matches({ stage: activity })) return activity;
  }
  return 'reading';
}

/** Share of stages passed, 0..1, for the overall progress bar. */
export function overallProgress(context: Pick<LabContext, 'stages' | 'progress'>): number {
  if (context.stages.length === 0) return 0;
  return context.stages.filter((s) => context.progress.stages[s.id]?.status === 'passed').length / context.stages.length;
}
