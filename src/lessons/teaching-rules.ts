/**
 * Content rules about how a lesson teaches, pure: each takes the text (or the quiz) and returns what
 * is wrong, in words an author can act on. test/content runs them over every real lesson; each rule
 * has a failing fixture there too.
 */
import { parsePredictions } from './predictions.js';
import { parseSteps } from './steps.js';
import type { QuizQuestion } from './schema.js';

/** The heading of the section that says what the learner will be able to do. */
export const OBJECTIVES_HEADING = 'What you will be able to do';
/** The heading of the lesson's last section: what the learner did, and why it matters. */
export const RECAP_HEADING = 'Recap';

interface Section {
  heading: string;
  body: string;
}

/** The level-2 sections of a markdown text, in order (fenced blocks are not scanned for headings). */
function sections(markdown: string): { before: string; sections: Section[] } {
  const found: Section[] = [];
  let before = '';
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^```/.test(line)) inFence = !inFence;
    const heading = !inFence && /^## (.+?)\s*$/.exec(line);
    if (heading) found.push({ heading: heading[1]!, body: '' });
    else if (found.length > 0) found.at(-1)!.body += `${line}\n`;
    else before += `${line}\n`;
  }
  return { before, sections: found };
}

const listItems = (body: string): string[] => body.split('\n').filter((line) => /^[-*] \S/.test(line));
const hasStep = (text: string): boolean => parseSteps(text).length > 0;

/**
 * A lesson opens with what the learner will be able to do — a section of two to four list items,
 * before the first step — and ends with a recap, its last level-2 section, in prose or items, with no
 * step of its own.
 */
export function outlineProblems(markdown: string): string[] {
  const { before, sections: all } = sections(markdown);
  const problems: string[] = [];
  const objectivesAt = all.findIndex((section) => section.heading === OBJECTIVES_HEADING);
  if (objectivesAt < 0) {
    problems.push(`no "## ${OBJECTIVES_HEADING}" section: say, in two to four list items, what the learner will be able to do`);
  } else {
    const items = listItems(all[objectivesAt]!.body).length;
    if (items < 2 || items > 4) problems.push(`"## ${OBJECTIVES_HEADING}" lists ${items} item${items === 1 ? '' : 's'}; it needs two to four`);
    if (hasStep(before) || all.slice(0, objectivesAt).some((section) => hasStep(section.body))) {
      problems.push(`"## ${OBJECTIVES_HEADING}" comes after a step: put it before the first one`);
    }
  }
  const last = all.at(-1);
  if (last?.heading !== RECAP_HEADING) {
    problems.push(`the last section is ${last ? `"## ${last.heading}"` : 'missing'}: end with "## ${RECAP_HEADING}", what the learner did and why it matters`);
  } else {
    if (last.body.trim().length < 80) problems.push(`"## ${RECAP_HEADING}" is too short to say what was done and why it matters`);
    if (hasStep(last.body)) problems.push(`"## ${RECAP_HEADING}" has a step: a recap only looks back`);
  }
  return problems;
}

/** A quiz whose answers can be guessed from their shape: the right one the longest, or always the same letter. */
export function quizShapeProblems(quiz: QuizQuestion[]): string[] {
  const problems: string[] = [];
  const rightAt = quiz.map((question) => question.choices.findIndex((choice) => choice.correct === true));
  const longestRight = quiz.filter((question, index) => {
    const lengths = question.choices.map((choice) => choice.text.length);
    const right = lengths[rightAt[index]!]!;
    return lengths.every((length, at) => at === rightAt[index] || length < right);
  });
  if (longestRight.length > quiz.length / 2) {
    problems.push(`the right answer is the longest choice in ${longestRight.length} of ${quiz.length} questions (${longestRight.map((q) => q.id).join(', ')}): a learner can guess by length`);
  }
  for (const question of quiz) {
    const lengths = question.choices.map((choice) => choice.text.length);
    if (Math.min(...lengths) < 0.6 * Math.max(...lengths)) {
      problems.push(`${question.id}: its choices run from ${Math.min(...lengths)} to ${Math.max(...lengths)} characters; make them of similar length (the shortest at least 60% of the longest)`);
    }
  }
  const letters = new Map<number, number>();
  for (const at of rightAt) letters.set(at, (letters.get(at) ?? 0) + 1);
  const most = Math.max(...letters.values());
  const limit = Math.max(1, Math.ceil(quiz.length / 3));
  if (quiz.length >= 3 && most > limit) {
    const letter = String.fromCharCode(97 + [...letters.entries()].find(([, count]) => count === most)![0]);
    problems.push(`"${letter}" is the right letter in ${most} of ${quiz.length} questions; spread the right answers (at most ${limit} per letter)`);
  }
  return problems;
}

/** At least this many predict-then-observe moments in every lesson. */
export const MIN_PREDICTIONS = 2;

/**
 * Predict, then observe: a lesson asks for at least two predictions, and each stands before the step
 * whose answer it reveals (asked after it, it would be a question about what the learner has seen).
 */
export function predictionProblems(markdown: string): string[] {
  const found = parsePredictions(markdown);
  const problems = found.length < MIN_PREDICTIONS ? [`${found.length} prediction${found.length === 1 ? '' : 's'}: ask the learner to predict at least ${MIN_PREDICTIONS} times (a \`\`\`predict after=STEP block)`] : [];
  for (const { after, at } of found) {
    if (parseSteps(markdown.slice(0, at)).some((step) => step.name === after)) problems.push(`the prediction for \`${after}\` comes after the step: put it before, so the learner predicts first`);
  }
  return problems;
}
