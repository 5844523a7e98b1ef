import type { StageReport } from '../../src/checks/types.js';
import { createActors } from '../../src/actors/create-actors.js';
import type { Lessons } from '../../src/lessons/types.js';
import type { StageLifecycle } from '../../src/lifecycle/stage-lifecycle.js';
import { createProgressRecorder, type ProgressRecorder } from '../../src/progress/recorder.js';
import { emptyProgress, type Progress, type ProgressStore } from '../../src/progress/store.js';

/** A progress store in memory, keeping each progress written, in order. */
export function memoryStore(initial: Progress = emptyProgress()): ProgressStore & { saved: Progress[] } {
  const saved: Progress[] = [];
  return {
    path: '/nonexistent/progress.json',
    saved,
    load: () => ({ progress: saved.at(-1) ?? initial }),
    update(change) {
      const next = change(saved.at(-1) ?? initial);
      saved.push(next);
      return next;
    },
  };
}

type StepOutcome = { exitCode: number; durationMs: number; cancelled: boolean };

/** What a test's stage does instead of Docker; each part left out does nothing (and checks pass). */
export interface FakeStage {
  open?: (stageId: string) => Promise<void>;
  runStep?: (input: { stageId: string; index: number }, signal: AbortSignal) => Promise<StepOutcome>;
  check?: (stageId: string) => Promise<StageReport>;
  solve?: (stageId: string) => Promise<void>;
  reset?: (stageId: string) => Promise<void>;
}

/**
 * The interface's real actors over a stage lifecycle that records as the real one does (started on
 * open, each report, forgotten on reset) into `recorder`, without Docker.
 */
export function fakeLabActors(lessons: Lessons, recorder: ProgressRecorder, fake: FakeStage = {}) {
  const steps = (stageId: string) => lessons.stages.find((s) => s.id === stageId)?.steps ?? [];
  const lifecycle = {
    async open(stage) {
      recorder.started(stage.id);
      await fake.open?.(stage.id);
    },
    async runCommand(command, signal, stageId) {
      const index = steps(stageId!).findIndex((step) => step.command === command);
      const outcome = (await fake.runStep?.({ stageId: stageId!, index }, signal ?? new AbortController().signal)) ?? { exitCode: 0, durationMs: 1, cancelled: false };
      return { ...outcome, command, output: '' };
    },
    async check(stage) {
      const report = (await fake.check?.(stage.id)) ?? { stageId: stage.id, passed: true, results: [], finishedAt: '2026-01-02T00:00:00Z' };
      recorder.reported(report);
      return report;
    },
    async solve(stage) {
      recorder.started(stage.id);
      await fake.solve?.(stage.id);
    },
    async reset(stage) {
      await fake.reset?.(stage.id);
      recorder.forgot([stage.id]);
      return { containers: [], networks: [], volumes: [], kept: [] };
    },
  } as Pick<StageLifecycle, 'open' | 'runCommand' | 'check' | 'solve' | 'reset'> as StageLifecycle;
  return createActors(lessons, async () => lifecycle, recorder);
}

/** A recorder over a store in memory. */
export const memoryRecorder = (initial?: Progress) => {
  const store = memoryStore(initial);
  return { store, recorder: createProgressRecorder(store) };
};
