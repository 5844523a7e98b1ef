import type { StageReport } from '../checks/types.js';
import type { Progress } from '../progress/store.js';

/**
 * What the learner asks for, and progress saved by another `lab` process (a `lab check` in the
 * learner's own terminal); everything else the machine hears comes from its own actors.
 */
export type LabEvent =
  | { type: 'progress.saved'; progress: Progress }
  /** Live checks found every check of the open stage passing (none of them a drill): the stage has passed. */
  | { type: 'live.passed'; report: StageReport }
  | { type: 'user.open'; stageId: string }
  | { type: 'user.back' }
  | { type: 'user.runStep'; index: number }
  | { type: 'user.stop' }
  | { type: 'user.check' }
  | { type: 'user.solve' }
  | { type: 'user.reset' }
  /** A quiz answer: the choice's index (0 = a) for the open stage's question. */
  | { type: 'user.answer'; questionId: string; choice: number };
