/** What the learner asks for; everything else the machine hears comes from its own actors. */
export type LabEvent =
  | { type: 'user.open'; stageId: string }
  | { type: 'user.back' }
  | { type: 'user.runStep'; index: number }
  | { type: 'user.stop' }
  | { type: 'user.check' }
  | { type: 'user.solve' }
  | { type: 'user.reset' }
  /** A quiz answer: the choice's index (0 = a) for the open stage's question. */
  | { type: 'user.answer'; questionId: string; choice: number };
