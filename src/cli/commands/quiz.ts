import { UsageError, type ExitCode } from '../../errors.js';
import { resolveStage } from '../../lessons/graph.js';
import type { QuizQuestion } from '../../lessons/schema.js';
import type { Stage } from '../../lessons/types.js';
import { answersOf } from '../../progress/record.js';
import { choiceOf, judgeAnswer, judgeQuiz, letterOf, letterRange, listOf, type QuizVerdict } from '../../quiz/judge.js';
import type { CommandContext } from '../context.js';
import type { Output } from '../output.js';

export interface QuizFlags {
  /** `ID=LETTER`, once per answer. */
  answer?: string[];
  reset?: boolean;
}

interface GivenAnswer {
  question: QuizQuestion;
  choice: number;
}

/**
 * `lab quiz STAGE`: the questions with lettered choices and what is answered so far.
 * `--answer ID=LETTER …` records answers and says for each whether it is right, and why: exit 0
 * when all are right, 1 when one is wrong. `--reset` forgets the stage's answers first.
 */
export function quizCommand(ctx: CommandContext, ref: string, flags: QuizFlags): ExitCode {
  const lessons = ctx.lessons();
  const stage = resolveStage(lessons, ref);
  const questions = stage.quiz;
  if (!questions) {
    const withQuiz = lessons.stages.filter((s) => s.quiz).map((s) => s.id);
    throw new UsageError(`Stage ${stage.id} has no quiz.`, withQuiz.length > 0 ? `Stages with a quiz: ${withQuiz.join(', ')}.` : 'No stage of this track has a quiz.');
  }
  // Every answer is read before any is recorded: one bad answer records none.
  const given = (flags.answer ?? []).map((raw) => parseAnswer(stage, questions, raw));

  const store = ctx.store();
  const { progress, warning } = store.load();
  if (warning) ctx.out.error(ctx.out.yellow(`Warning: ${warning}`));
  const next =
    flags.reset || given.length > 0 ? ctx.recorder().answered(stage.id, given.map(({ question, choice }) => ({ questionId: question.id, choice })), { forgetFirst: Boolean(flags.reset) }) : progress;

  const { out } = ctx;
  if (flags.reset) out.line(`The answers to ${stage.id}'s quiz are forgotten.`);
  const verdict = judgeQuiz(questions, answersOf(next, stage.id));
  if (given.length === 0) {
    printQuiz(out, stage, questions, verdict);
    return 0;
  }
  let allRight = true;
  for (const { question, choice } of given) {
    const { correct, why } = judgeAnswer(question, choice);
    allRight &&= correct;
    const head = `${question.id}=${letterOf(choice)}:`;
    out.line(correct ? `${out.icon('pass')} ${head} ${out.green('right.')} ${why}` : `${out.icon('fail')} ${head} ${out.red('wrong.')} ${why}`);
  }
  out.line(summary(out, stage, questions.length, verdict));
  return allRight ? 0 : 1;
}

/** `ID=LETTER`, checked against the stage's questions; a usage error names what is wrong and what would do. */
function parseAnswer(stage: Stage, questions: QuizQuestion[], raw: string): GivenAnswer {
  const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(raw.trim());
  if (!match) {
    throw new UsageError(`--answer ${raw}: give it as ID=LETTER.`, `For example \`lab quiz ${stage.id} --answer ${questions[0]!.id}=a\`; \`lab quiz ${stage.id}\` lists the question ids.`);
  }
  const [, id = '', letter = ''] = match;
  const question = questions.find((q) => q.id === id);
  if (!question) throw new UsageError(`The quiz of ${stage.id} has no question "${id}".`, `Its questions are ${listOf(questions.map((q) => q.id))}.`);
  const choice = choiceOf(question, letter);
  if (choice === undefined) throw new UsageError(`"${letter}" is not a choice of question ${id}.`, `Answer it with a letter ${letterRange(question)}; \`lab quiz ${stage.id}\` shows the choices.`);
  return { question, choice };
}

function printQuiz(out: Output, stage: Stage, questions: QuizQuestion[], verdict: QuizVerdict): void {
  out.line(out.bold(`Quiz of ${stage.number} ${stage.id}: ${stage.title}`));
  out.line();
  for (const [index, question] of questions.entries()) {
    const seen = verdict.questions[index]!;
    out.line(`${index + 1}. ${out.bold(question.id)} — ${question.question}`);
    for (const [choice, { text }] of question.choices.entries()) out.line(`   ${letterOf(choice)}) ${text}`);
    if (seen.status === 'unanswered') out.line(`   ${out.dim('not answered yet')}`);
    else if (seen.status === 'correct') out.line(`   ${out.icon('pass')} you answered ${seen.letter}: ${out.green('right.')} ${seen.why}`);
    else out.line(`   ${out.icon('fail')} you answered ${seen.letter}: ${out.red('wrong.')} ${seen.why}`);
    out.line();
  }
  out.line(summary(out, stage, questions.length, verdict));
}

/** Where the learner stands, and what to do next. */
function summary(out: Output, stage: Stage, total: number, verdict: QuizVerdict): string {
  if (verdict.passed) return out.green(`All ${total} questions answered right. \`lab check ${stage.id}\` records it.`);
  const open = [
    ...(verdict.wrong.length > 0 ? [`wrong: ${listOf(verdict.wrong)}`] : []),
    ...(verdict.unanswered.length > 0 ? [`not answered: ${listOf(verdict.unanswered)}`] : []),
  ];
  return `${verdict.correct.length} of ${total} answered right (${open.join('; ')}). Answer with \`lab quiz ${stage.id} --answer ID=LETTER\`.`;
}
