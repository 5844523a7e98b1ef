import type { QuizQuestion } from '../lessons/schema.js';
import { answersOf } from '../progress/record.js';
import type { QuizRecord } from '../progress/store.js';
import { judgeQuiz, listOf } from '../quiz/judge.js';
import { fail, pass, type ReadOnlyCheckModule, type Zod } from './types.js';
import { checkBase } from './spec-base.js';

export interface QuizFacts {
  /** The learner's latest answers to the stage's questions, by question id. */
  answers: QuizRecord;
}

/** The lesson line of a `quiz` check. */
export const quizSpec = (z: Zod) =>
  z.object({
    kind: z.literal('quiz'),
    ...checkBase(z),
    /** The stage whose quiz this checks, and its questions: filled from the stage itself; a lesson leaves them out. */
    stage: z.string().default(''),
    questions: z.array(z.custom<QuizQuestion>()).default([]),
  });

/** Passes when every question of the stage's quiz has a recorded answer, and each is the right one. */
export const quizCheck: ReadOnlyCheckModule<typeof quizSpec, QuizFacts> = {
  kind: 'quiz',
  spec: quizSpec,
  effect: 'read-only',

  async observe(spec, { progress }) {
    return { answers: answersOf(progress(), spec.stage) };
  },

  judge(spec, { answers }) {
    const verdict = judgeQuiz(spec.questions, answers);
    const total = spec.questions.length;
    if (verdict.passed) return pass(`All ${total} questions are answered right.`);
    const problems = [
      ...(verdict.wrong.length > 0 ? [`${listOf(verdict.wrong)} ${verdict.wrong.length === 1 ? 'is' : 'are'} answered wrong`] : []),
      ...(verdict.unanswered.length > 0 ? [`${listOf(verdict.unanswered)} ${verdict.unanswered.length === 1 ? 'is' : 'are'} not answered yet`] : []),
    ];
    const example = verdict.wrong[0] ?? verdict.unanswered[0];
    return fail(
      `${verdict.correct.length} of ${total} questions answered right: ${problems.join('; ')}.`,
      `\`lab quiz ${spec.stage}\` shows the questions; answer with \`lab quiz ${spec.stage} --answer ${example}=LETTER\`, or press a in the lab's stage view.`,
    );
  },

  // Waiting changes no answer.
  retryable: () => false,
};
