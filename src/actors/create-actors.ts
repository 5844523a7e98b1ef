import { fromCallback, fromPromise } from 'xstate';
import type { StageReport } from '../checks/types.js';
import { resolveStage } from '../lessons/graph.js';
import type { Lessons } from '../lessons/types.js';
import type { StageLifecycle } from '../lifecycle/stage-lifecycle.js';
import { followProgress } from '../progress/follow.js';
import type { ProgressRecorder } from '../progress/recorder.js';
import type { ProgressLinkEvent, RecordRequest } from '../statechart/lab-machine.js';

/**
 * The one bridge from the machine to effects: `labMachine.provide({ actors: createActors(...) })`.
 * The stage's actors run its lifecycle, which records what happens; the `progress` actor records what
 * the machine asks for and brings it progress as saved, by this process or by another. `lifecycle`
 * resolves once its modules are loaded (the interface loads them after its first frame).
 */
export function createActors(lessons: Lessons, lifecycle: () => Promise<StageLifecycle>, recorder: ProgressRecorder) {
  const stage = (id: string) => resolveStage(lessons, id);
  return {
    prepareStage: fromPromise<void, { stageId: string }>(async ({ input, signal }) => (await lifecycle()).open(stage(input.stageId), signal)),
    runStep: fromPromise<{ exitCode: number; durationMs: number; cancelled: boolean }, { stageId: string; index: number }>(async ({ input, signal }) => {
      const step = stage(input.stageId).steps[input.index];
      if (!step) throw new Error(`stage ${input.stageId} has no step ${input.index + 1}`);
      const { exitCode, durationMs, cancelled } = await (await lifecycle()).runCommand(step.command, signal, input.stageId);
      return { exitCode, durationMs, cancelled };
    }),
    runChecks: fromPromise<StageReport, { stageId: string }>(async ({ input }) => (await lifecycle()).check(stage(input.stageId))),
    solveStage: fromPromise<void, { stageId: string }>(async ({ input, signal }) => (await lifecycle()).solve(stage(input.stageId), signal)),
    resetStage: fromPromise<void, { stageId: string }>(async ({ input, signal }) => {
      await (await lifecycle()).reset(stage(input.stageId), signal);
    }),
    progress: progressLink(recorder),
  };
}

/**
 * The machine's link to the progress file: records what it is sent, and sends back progress as saved.
 * While it runs, a write that fails (a full disk) is told to the learner, and the stage goes on.
 */
export function progressLink(recorder: ProgressRecorder) {
  return fromCallback<RecordRequest, void, ProgressLinkEvent>(({ sendBack, receive }) => {
    const failed = (doing: string) => (error: unknown) => sendBack({ type: 'progress.failed', message: `Your progress could not be ${doing} ${recorder.path}: ${error instanceof Error ? error.message : String(error)}` });
    const undivert = recorder.divertFailures(failed('saved to'));
    receive((request) => {
      if (request.type === 'record.answer') recorder.answered(request.stageId, [{ questionId: request.questionId, choice: request.choice }]);
      else recorder.passedLive(request.report);
    });
    const stop = followProgress(recorder, (progress) => sendBack({ type: 'progress.saved', progress }), { onError: failed('read from') });
    return () => {
      stop();
      undivert();
    };
  });
}
