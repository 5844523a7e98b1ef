import { markdownLines } from './markdown.js';
import type { QuizQuestion, WalkthroughFrame } from '../lessons/schema.js';
import type { QuizRecord } from '../progress/store.js';
import { judgeAnswer, judgeQuiz, letterOf } from '../quiz/judge.js';
import type { Line } from './components/Lines.js';
import { truncate, wrap } from './layout.js';
import type { Theme } from './theme.js';

/** The rows a pane has: the frame (one row short of the terminal) less the header and the key help. */
export const paneRows = (rows: number): number => Math.max(1, rows - 3);

/** Where the quiz pane is: the question shown, and the last answer given in it. */
export interface QuizPaneState {
  question: number;
  picked?: { question: number; choice: number };
}

const isRight = (question: QuizQuestion, answers: QuizRecord): boolean => {
  const answer = answers[question.id];
  return answer !== undefined && question.choices[answer.choice]?.correct === true;
};

/** The quiz opens at the first question not yet answered right (the first, when all are). */
export function openQuiz(questions: readonly QuizQuestion[], answers: QuizRecord): QuizPaneState {
  const open = questions.findIndex((question) => !isRight(question, answers));
  return { question: Math.max(0, open) };
}

/**
 * A letter pressed: a wrong answer keeps the question, to try again; a right one moves on to the
 * next question not yet answered right, or stays when none is left.
 */
export function pickAnswer(state: QuizPaneState, questions: readonly QuizQuestion[], answers: QuizRecord, choice: number): QuizPaneState {
  const question = questions[state.question]!;
  const picked = { question: state.question, choice };
  if (!judgeAnswer(question, choice).correct) return { question: state.question, picked };
  for (let step = 1; step < questions.length; step += 1) {
    const next = (state.question + step) % questions.length;
    if (!isRight(questions[next]!, answers)) return { question: next, picked };
  }
  return { question: state.question, picked };
}

/** ← and → between questions: the last answer's reason belongs to the question left behind. */
export const moveQuestion = (state: QuizPaneState, count: number, by: number): QuizPaneState => ({ question: Math.max(0, Math.min(count - 1, state.question + by)) });

/** "Walkthrough · frame 2/7 · title", a rule, then the frame's body as the lesson renders markdown. */
export function walkthroughLines(frames: readonly WalkthroughFrame[], index: number, width: number, theme: Theme): Line[] {
  const frame = frames[index]!;
  return [
    { text: truncate(`Walkthrough · frame ${index + 1}/${frames.length} · ${frame.title}`, width), tone: theme.tone.title },
    { text: theme.rule.repeat(width), tone: theme.tone.muted },
    ...markdownLines(frame.body, width, theme.color).map((text) => ({ text })),
  ];
}

/** A question, its lettered choices (the recorded answer marked), and what the last answer means. */
export function quizLines(questions: readonly QuizQuestion[], answers: QuizRecord, state: QuizPaneState, width: number, theme: Theme): Line[] {
  const question = questions[state.question]!;
  const verdict = judgeQuiz(questions, answers);
  const head = `Quiz · question ${state.question + 1} of ${questions.length} · ${verdict.correct.length} answered right`;
  const recorded = answers[question.id];
  const lines: Line[] = [
    { text: truncate(head, width), tone: theme.tone.title },
    { text: theme.rule.repeat(width), tone: theme.tone.muted },
    ...wrap(question.question, width).map((text) => ({ text, tone: { bold: true } })),
    { text: '' },
  ];
  for (const [index, choice] of question.choices.entries()) {
    const mark = recorded?.choice === index ? (choice.correct ? theme.checkIcon.pass : theme.checkIcon.fail) : ' ';
    const tone = recorded?.choice === index ? (choice.correct ? theme.checkTone.pass : theme.checkTone.fail) : undefined;
    const [first = '', ...rest] = wrap(choice.text, width - 5);
    lines.push({ text: `${mark} ${letterOf(index)}) ${first}`, ...(tone ? { tone } : {}) });
    for (const more of rest) lines.push({ text: `     ${more}`, ...(tone ? { tone } : {}) });
  }
  lines.push({ text: '' }, ...feedbackLines(questions, verdict.passed, state, width, theme));
  return lines;
}

function feedbackLines(questions: readonly QuizQuestion[], allRight: boolean, state: QuizPaneState, width: number, theme: Theme): Line[] {
  const { picked } = state;
  if (!picked) return [{ text: truncate(`Press a letter to answer${allRight ? ' again' : ''}.`, width), tone: theme.tone.muted }];
  const question = questions[picked.question]!;
  const { correct, why } = judgeAnswer(question, picked.choice);
  const letter = letterOf(picked.choice);
  if (!correct) {
    return [
      ...wrap(`${theme.checkIcon.fail} ${letter} is not right: ${why}`, width).map((text) => ({ text, tone: theme.tone.danger })),
      { text: 'Try another letter.', tone: theme.tone.muted },
    ];
  }
  const which = picked.question === state.question ? `${letter} is right` : `Question ${picked.question + 1}: ${letter} is right`;
  const next = allRight ? `All ${questions.length} answered right: esc, then c checks the stage.` : picked.question === state.question ? '' : `On to question ${state.question + 1}.`;
  return [
    ...wrap(`${theme.checkIcon.pass} ${which}: ${why}`, width).map((text) => ({ text, tone: theme.tone.success })),
    ...(next ? [{ text: truncate(next, width), tone: theme.tone.muted }] : []),
  ];
}
