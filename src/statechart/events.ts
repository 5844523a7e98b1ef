import type { StageReport } from '../checks/types.js';
import type { Progress } from '../progress/store.js';

/**
 * What the learner asks for, what live checks found, and progress as saved (by this process's
 * lifecycle or another `lab` process, brought by the `progress` actor); everything else the machine
 * hears comes from its own actors.
 */
export type LabEvent =
  | { type: 'progress.saved'; progress: Progress }
  | { type: 'progress.failed'; message: string }
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
