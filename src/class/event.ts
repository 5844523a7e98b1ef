import type { StageReport } from '../checks/types.js';

/** One check of a run as the class board sees it: its verdict, its title, and whether it showed a hint. */
export interface CheckMark {
  status: 'pass' | 'warn' | 'fail';
  title: string;
  /** True when the learner was shown this check's hint (it did not pass and has one). */
  hinted: boolean;
}

/**
 * What a learner's lab sends after each check run, and nothing else: no environment, no logs, no
 * host names. `seq` counts the learner's events from 1, so the server keeps each once and in order.
 */
export interface ClassEvent {
  learner: string;
  seq: number;
  stage: string;
  challenge: boolean;
  passed: boolean;
  checks: CheckMark[];
  /** When the run finished (ISO 8601). */
  at: string;
}

/** The longest check title an event carries; a longer one is cut, never sent whole. */
export const TITLE_MAX = 200;

/** The most a POST body may hold, in bytes; more is refused before it is parsed. */
export const BODY_MAX_BYTES = 64 * 1024;
/** The most events one POST may carry; the client sends a longer queue in batches of this size. */
export const BATCH_MAX = 20;

/** Pure: a check run's report as the event the learner's lab queues. */
export function eventFromReport(report: StageReport, { learner, seq, challenge }: { learner: string; seq: number; challenge: boolean }): ClassEvent {
  return {
    learner,
    seq,
    stage: report.stageId,
    challenge,
    passed: report.passed,
    checks: report.results.map((result) => ({
      status: result.status,
      title: result.title.slice(0, TITLE_MAX),
      hinted: result.status !== 'pass' && Boolean(result.hint),
    })),
    at: report.finishedAt,
  };
}
