import { answersOf } from '../progress/record.js';
import type { QuizRecord } from '../progress/store.js';
import { judgeQuiz, listOf } from '../quiz/judge.js';
import { fail, pass, type ReadOnlyCheckModule } from './types.js';

export interface QuizFacts {
  /** The learner's latest answers to the stage's questions, by question id. */
  answers: QuizRecord;
}

/** Passes when every question of the stage's quiz has a recorded answer, and each is the right one. */
export const quizCheck: ReadOnlyCheckModule<'quiz', QuizFacts> = {
  kind: 'quiz',
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
