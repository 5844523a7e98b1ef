import { runStageChecks } from '../checks/run-checks.js';
import type { CheckResult, ObserveContext, StageReport } from '../checks/types.js';
import type { Stage } from '../lessons/types.js';
import type { DockerClient } from '../runtime/docker.js';
import { followEngineEvents, serial } from '../runtime/engine-events.js';

/** Why a live round ran. */
export type LiveTrigger = 'start' | 'event' | 'timer';

/** One round of live checking: the stage's read-only checks, as they stand now. */
export interface LiveRound {
  report: StageReport;
  trigger: LiveTrigger;
  /** Titles whose status or summary differ from the round before (all of them in the first). */
  changed: string[];
  /** Every read-only check passes, and the stage has no drill left to run: the stage has passed. */
  stagePassed: boolean;
}

export interface FollowOptions {
  /** A burst of engine events (a `docker run` is create, connect, start) is one round. */
  debounceMs?: number;
  /** What events cannot see (an HTTP answer, a log line, a Consul election) is looked at this often. */
  pollMs?: number;
  /** The engine's event stream ended (the engine stopped): rounds go on by the timer only. */
  onEventsLost?: () => void;
}

export const LIVE_DEBOUNCE_MS = 200;
export const LIVE_POLL_MS = 3_000;

/**
 * Live checks: re-runs a stage's read-only checks on the engine's own events (any container or
 * network change, the learner's own `docker run` included, debounced) and on a slow timer, and calls
 * `onRound` with each round's results. Disruptive checks (the drills) never run here; a stage that
 * has one is not passed live. One round runs at a time; events during a round ask for one more.
 * Returns how to stop.
 */
export function followStageChecks(stage: Stage, context: ObserveContext & { docker: DockerClient }, onRound: (round: LiveRound) => void, options: FollowOptions = {}): () => void {
  const { debounceMs = LIVE_DEBOUNCE_MS, pollMs = LIVE_POLL_MS, onEventsLost } = options;
  // A live look is one try: waiting out a check's retries would hold back the next event's round.
  const once: Stage = { ...stage, checks: stage.checks.map((check) => ({ ...check, retries: 0 })) };
  let stopped = false;
  let previous: Map<string, string> | undefined;
  let trigger: LiveTrigger = 'start';
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const round = serial(async () => {
    if (stopped) return;
    const asked = trigger;
    clearTimeout(timer);
    const report = await runStageChecks(once, context, undefined, {}, 'read-only');
    if (stopped) return;
    const seen = new Map(report.results.map((r: CheckResult) => [r.title, `${r.status}\u0000${r.summary}`]));
    const changed = report.results.filter((r) => previous?.get(r.title) !== seen.get(r.title)).map((r) => r.title);
    previous = seen;
    const stagePassed = report.passed && !report.skipped;
    try {
      onRound({ report, trigger: asked, changed, stagePassed });
    } catch {
      // The listener's own failure is not the follower's to report.
    }
    if (!stopped) timer = setTimeout(() => ask('timer'), pollMs);
  });

  const ask = (why: LiveTrigger) => {
    if (stopped) return;
    trigger = why;
    round();
  };

  const onChange = () => {
    if (stopped) return;
    // The round waits for the burst to end.
    clearTimeout(debounce);
    debounce = setTimeout(() => ask('event'), debounceMs);
  };

  // Every container, network and image, not only the lab's: the learner's own `docker run` has no lab label.
  const stopEvents = followEngineEvents(context.docker, { types: ['container', 'network', 'image'] }, { onChange, onLost: () => onEventsLost?.() });
  round();
  return () => {
    stopped = true;
    clearTimeout(debounce);
    clearTimeout(timer);
    stopEvents();
  };
}
