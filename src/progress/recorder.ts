import type { StageReport } from '../checks/types.js';
import { forgetAnswers, forgetStages, recordAnswer, recordChallenge, recordReport, recordStarted } from './record.js';
import { emptyProgress, type Progress, type ProgressStore } from './store.js';

/** One quiz answer as the learner gave it: the choice's index (0 = a). */
export interface GivenAnswer {
  questionId: string;
  choice: number;
}

/**
 * The one place progress is written. Every `lab` command and the interface record through it: each
 * write is the store's locked read-change-write of one stage (src/progress/record.ts says how), so
 * what another `lab` process wrote meanwhile is kept. Listeners hear each progress this process wrote.
 */
export interface ProgressRecorder {
  readonly path: string;
  read(): Progress;
  /** The learner opened the stage: it is the current one, started if it was not. */
  started(stageId: string): Progress;
  /** A check run's report: passed or failed, with each check's result. */
  reported(report: StageReport): Progress;
  /** A run of the stage's challenge checks: passed or failed, beside the stage's own status. */
  challengeReported(report: StageReport): Progress;
  /** A live round where every check passed: recorded unless the stage has passed already. */
  passedLive(report: StageReport): Progress;
  answered(stageId: string, answers: GivenAnswer[], options?: { forgetFirst?: boolean }): Progress;
  /** `lab reset STAGE`: the stages' progress forgotten, the others' kept. */
  forgot(stageIds: string[]): Progress;
  /** `lab reset --all`. */
  cleared(): Progress;
  subscribe(listener: (progress: Progress) => void): () => void;
  /**
   * Until the returned function is called, a write that fails is handed to `onFailure` (and the
   * progress as last read is returned) instead of thrown: the interface tells the learner and the
   * stage goes on, where a command fails with the reason.
   */
  divertFailures(onFailure: (error: unknown) => void): () => void;
}

export function createProgressRecorder(store: ProgressStore, now: () => string = () => new Date().toISOString()): ProgressRecorder {
  const listeners = new Set<(progress: Progress) => void>();
  let diverted: ((error: unknown) => void) | undefined;
  const read = () => store.load().progress;
  const write = (change: (progress: Progress) => Progress): Progress => {
    let written: Progress;
    try {
      written = store.update(change);
    } catch (error) {
      if (!diverted) throw error;
      diverted(error);
      return read();
    }
    for (const listener of listeners) listener(written);
    return written;
  };
  return {
    path: store.path,
    read,
    started: (stageId) => write((progress) => recordStarted(progress, stageId, now())),
    reported: (report) => write((progress) => recordReport(progress, report)),
    challengeReported: (report) => write((progress) => recordChallenge(progress, report)),
    passedLive(report) {
      const current = read();
      if (current.stages[report.stageId]?.status === 'passed') return current;
      return write((progress) => (progress.stages[report.stageId]?.status === 'passed' ? progress : recordReport(progress, report)));
    },
    answered: (stageId, answers, { forgetFirst = false } = {}) =>
      write((progress) => {
        const at = now();
        return answers.reduce((next, { questionId, choice }) => recordAnswer(next, stageId, questionId, choice, at), forgetFirst ? forgetAnswers(progress, stageId) : progress);
      }),
    forgot: (stageIds) => write((progress) => forgetStages(progress, stageIds)),
    cleared: () => write(() => emptyProgress()),
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    divertFailures(onFailure) {
      diverted = onFailure;
      return () => {
        if (diverted === onFailure) diverted = undefined;
      };
    },
  };
}
