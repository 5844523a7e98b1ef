import type { QuizQuestion } from '../lessons/schema.js';

/** A learner's latest answer to one question: the index of the choice, and how many answers it took. */
export interface RecordedAnswer {
  choice: number;
  tries?: number;
}

export type QuizAnswers = Readonly<Record<string, RecordedAnswer>>;

export type AnswerStatus = 'correct' | 'wrong' | 'unanswered';

export interface QuestionVerdict {
  id: string;
  status: AnswerStatus;
  /** The chosen choice's index and letter, when answered. */
  choice?: number;
  letter?: string;
  /** The chosen choice's reason: why it is wrong, or the confirmation of the right one. */
  why?: string;
  tries: number;
}

export interface QuizVerdict {
  questions: QuestionVerdict[];
  correct: string[];
  wrong: string[];
  unanswered: string[];
  /** Every question answered, and answered right. */
  passed: boolean;
}

/** a, b, c… for choices 0, 1, 2… */
export const letterOf = (index: number): string => String.fromCharCode(97 + index);

/** The choice a letter names, if the question has it. */
export function choiceOf(question: QuizQuestion, letter: string): number | undefined {
  const index = letter.toLowerCase().charCodeAt(0) - 97;
  return letter.length === 1 && index >= 0 && index < question.choices.length ? index : undefined;
}

/** "a–d": the letters a question's choices go by. */
export const letterRange = (question: QuizQuestion): string => `a–${letterOf(question.choices.length - 1)}`;

export const correctIndex = (question: QuizQuestion): number => question.choices.findIndex((choice) => choice.correct === true);

/** One answer on its own: right or not, and the reason the lesson gives for that choice. */
export function judgeAnswer(question: QuizQuestion, choice: number): { correct: boolean; why: string } {
  const picked = question.choices[choice];
  if (!picked) throw new RangeError(`question ${question.id} has no choice ${letterOf(choice)}`);
  return { correct: picked.correct === true, why: picked.why };
}

/**
 * Every question of a quiz against the learner's latest answers. An answer naming a choice the
 * question no longer has (the lesson changed) counts as unanswered; answers to questions the quiz
 * no longer asks are ignored.
 */
export function judgeQuiz(questions: readonly QuizQuestion[], answers: QuizAnswers): QuizVerdict {
  const verdicts = questions.map((question): QuestionVerdict => {
    const answer = Object.hasOwn(answers, question.id) ? answers[question.id] : undefined;
    const tries = answer?.tries ?? (answer ? 1 : 0);
    if (!answer || !question.choices[answer.choice]) return { id: question.id, status: 'unanswered', tries };
    const { correct, why } = judgeAnswer(question, answer.choice);
    return { id: question.id, status: correct ? 'correct' : 'wrong', choice: answer.choice, letter: letterOf(answer.choice), why, tries };
  });
  const having = (status: AnswerStatus) => verdicts.filter((v) => v.status === status).map((v) => v.id);
  const correct = having('correct');
  return { questions: verdicts, correct, wrong: having('wrong'), unanswered: having('unanswered'), passed: questions.length > 0 && correct.length === questions.length };
}

/** "a", "a and b", "a, b and c". */
export function listOf(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
