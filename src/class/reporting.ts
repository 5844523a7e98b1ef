import type { StageReport } from '../checks/types.js';
import type { ProgressRecorder } from '../progress/recorder.js';
import { deliverPending } from './client.js';
import { eventFromReport } from './event.js';
import { queueOf, readMembership } from './membership.js';

/**
 * The recorder, plus: while the learner is in a class (`lab class join`), each check run it records
 * is queued as a class event and a delivery is started. Neither ever fails nor holds up the check:
 * what cannot be sent now stays queued, and the next `lab` command sends it.
 */
export function withClassReporting(
  recorder: ProgressRecorder,
  stateDir: string,
  { onError = () => undefined, retryMs = 15_000 }: { onError?: (error: unknown) => void; retryMs?: number } = {},
): ProgressRecorder {
  // While events wait (the server is away), a process that stays open (the interface, `lab watch`)
  // tries again now and then; the timer never keeps a finished command alive.
  let retry: ReturnType<typeof setTimeout> | undefined;
  const deliver = () => {
    deliverPending(stateDir, { timeoutMs: 1_500, deadlineMs: 3_000 }).then((delivery) => {
      if (delivery.left === 0 || retry || !readMembership(stateDir)) return;
      retry = setTimeout(() => {
        retry = undefined;
        deliver();
      }, retryMs);
      retry.unref();
    }, onError);
  };
  const send = (report: StageReport, challenge: boolean) => {
    try {
      const membership = readMembership(stateDir);
      if (!membership) return;
      queueOf(stateDir).enqueue((seq) => eventFromReport(report, { learner: membership.learner, seq, challenge }));
      deliver();
    } catch (error) {
      onError(error);
    }
  };
  return {
    ...recorder,
    reported(report) {
      const progress = recorder.reported(report);
      send(report, false);
      return progress;
    },
    challengeReported(report) {
      const progress = recorder.challengeReported(report);
      send(report, true);
      return progress;
    },
    passedLive(report) {
      const before = recorder.read().stages[report.stageId]?.status;
      const progress = recorder.passedLive(report);
      if (before !== 'passed') send(report, false);
      return progress;
    },
  };
}
