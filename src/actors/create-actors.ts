import { fromPromise } from 'xstate';
import type { StageReport } from '../checks/types.js';
import { resolveStage } from '../lessons/graph.js';
import type { Lessons } from '../lessons/types.js';
import type { SolveOutput } from '../statechart/lab-machine.js';
import { answersOf } from '../progress/record.js';
import type { Progress } from '../progress/store.js';
import type { StageOps } from './stage-ops.js';

/**
 * The one bridge from the machine to effects: `labMachine.provide({ actors: createActors(...) })`.
 * `savedProgress` reads progress as saved, for what a solution's own `lab` commands record there.
 */
export function createActors(lessons: Lessons, ops: StageOps, savedProgress?: () => Progress) {
  const stage = (id: string) => resolveStage(lessons, id);
  return {
    prepareStage: fromPromise<void, { stageId: string }>(({ input, signal }) => ops.prepare(stage(input.stageId), signal)),
    runStep: fromPromise<{ exitCode: number; durationMs: number; cancelled: boolean }, { stageId: string; index: number }>(async ({ input, signal }) => {
      const step = stage(input.stageId).steps[input.index];
      if (!step) throw new Error(`stage ${input.stageId} has no step ${input.index + 1}`);
      const { exitCode, durationMs, cancelled } = await ops.runCommand(step.command, signal, input.stageId);
      return { exitCode, durationMs, cancelled };
    }),
    runChecks: fromPromise<StageReport, { stageId: string; previousFailures: Record<string, number> }>(({ input }) => ops.check(stage(input.stageId), input.previousFailures)),
    solveStage: fromPromise<SolveOutput, { stageId: string }>(async ({ input, signal }) => {
      const solved = stage(input.stageId);
      await ops.solve(solved, signal);
      return solved.quiz && savedProgress ? { answers: answersOf(savedProgress(), solved.id) } : undefined;
    }),
    resetStage: fromPromise<void, { stageId: string }>(async ({ input, signal }) => {
      await ops.reset(stage(input.stageId), signal);
    }),
  };
}
