import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { loadLessons } from '../../src/lessons/load.js';
import type { QuizQuestion } from '../../src/lessons/schema.js';
import { outlineProblems, predictionProblems, quizShapeProblems } from '../../src/lessons/teaching-rules.js';
import { packageRoot } from '../../src/runtime/paths.js';

// How a lesson teaches: it says at its start what the learner will be able to do and sums up at its
// end, and its quiz cannot be passed by guessing from the answers' shape.
const lessons = loadLessons(join(packageRoot, 'lessons'));

describe.each(lessons.stages.map((stage) => [stage.id, stage] as const))('lesson %s', (_id, stage) => {
  it('opens with what the learner will be able to do and ends with a recap', () => {
    expect(outlineProblems(stage.markdown)).toEqual([]);
  });

  it('asks the learner to predict at least twice, each time before the step', () => {
    expect(predictionProblems(stage.markdown)).toEqual([]);
  });

  it('has a quiz whose right answers cannot be told by their length or letter', () => {
    if (stage.quiz) expect(quizShapeProblems(stage.quiz)).toEqual([]);
  });
});

const objectives = '## What you will be able to do\n\n- run a container\n- read its log\n';
const recap = '## Recap\n\nYou ran a container and read its log: the two things every later stage builds on, and does again.\n';
const step = '```sh step=run\ndocker run hello\n```\n';

describe('the outline rule', () => {
  it('accepts objectives before the first step and a recap at the end', () => {
    expect(outlineProblems(`# Title\n\nIntro.\n\n${objectives}\n## Run\n\n${step}\n${recap}`)).toEqual([]);
  });

  it('names a lesson without objectives', () => {
    expect(outlineProblems(`# Title\n\n## Run\n\n${step}\n${recap}`)).toEqual([
      'no "## What you will be able to do" section: say, in two to four list items, what the learner will be able to do',
    ]);
  });

  it('names objectives of one item, or five', () => {
    expect(outlineProblems(`# T\n\n## What you will be able to do\n\n- one thing\n\n## Run\n\n${step}\n${recap}`)).toEqual(['"## What you will be able to do" lists 1 item; it needs two to four']);
    const five = '## What you will be able to do\n\n- a\n- b\n- c\n- d\n- e\n';
    expect(outlineProblems(`# T\n\n${five}\n## Run\n\n${step}\n${recap}`)).toEqual(['"## What you will be able to do" lists 5 items; it needs two to four']);
  });

  it('names objectives that come after a step', () => {
    expect(outlineProblems(`# T\n\n## Run\n\n${step}\n${objectives}\n${recap}`)).toEqual(['"## What you will be able to do" comes after a step: put it before the first one']);
  });

  it('names a lesson that does not end with a recap, or whose recap is a step', () => {
    expect(outlineProblems(`# T\n\n${objectives}\n${recap}\n## More\n\n${step}`)).toEqual([
      'the last section is "## More": end with "## Recap", what the learner did and why it matters',
    ]);
    expect(outlineProblems(`# T\n\n${objectives}\n${recap}\n${step}`)).toEqual(['"## Recap" has a step: a recap only looks back']);
    expect(outlineProblems(`# T\n\n${objectives}\n## Recap\n\nDone.\n`)).toEqual(['"## Recap" is too short to say what was done and why it matters']);
  });

  it('does not take a heading inside a fenced block for a section', () => {
    expect(outlineProblems(`# T\n\n${objectives}\n${recap}\n\`\`\`md\n## Not a section\n\`\`\`\n`)).toEqual([]);
  });
});

const question = (id: string, texts: string[], right: number): QuizQuestion => ({
  id,
  question: `${id}?`,
  choices: texts.map((text, at) => ({ text, why: 'because', ...(at === right ? { correct: true } : {}) })),
});
const even = ['one choice of a length', 'two choice of a length', 'three choice of length', 'four choice of lengths'];

describe('the quiz shape rule', () => {
  it('accepts choices of similar length, the right one not always the longest, the letters spread', () => {
    expect(quizShapeProblems([question('q1', even, 0), question('q2', even, 1), question('q3', even, 2), question('q4', even, 3)])).toEqual([]);
  });

  it('fails a quiz whose right answer is the longest choice in most questions', () => {
    const longest = (right: number) => even.map((text, at) => (at === right ? `${text}, at length` : text));
    const quiz = [question('q1', longest(0), 0), question('q2', longest(1), 1), question('q3', even, 2)];
    expect(quizShapeProblems(quiz)).toEqual(['the right answer is the longest choice in 2 of 3 questions (q1, q2): a learner can guess by length']);
  });

  it('fails a question whose choices differ much in length', () => {
    const uneven = ['short', 'a choice of a length', 'a choice of a length', 'a choice of a lengtx'];
    expect(quizShapeProblems([question('q1', uneven, 1)])).toEqual([
      'q1: its choices run from 5 to 20 characters; make them of similar length (the shortest at least 60% of the longest)',
    ]);
  });

  it('fails a quiz whose right answers share one letter', () => {
    const quiz = [0, 1, 2, 3, 4, 5].map((n) => question(`q${n}`, even, n < 3 ? 1 : n - 3 === 1 ? 0 : n - 3));
    expect(quizShapeProblems(quiz)).toEqual(['"b" is the right letter in 3 of 6 questions; spread the right answers (at most 2 per letter)']);
  });
});

describe('the prediction rule', () => {
  const predict = (after: string) => `\`\`\`predict after=${after}\nWhat will happen?\n---\nThis.\n\`\`\`\n`;
  const steps = '```sh step=one\necho 1\n```\n\n```sh step=two\necho 2\n```\n';

  it('accepts two predictions, each before its step', () => {
    expect(predictionProblems(`${predict('one')}\n${predict('two')}\n${steps}`)).toEqual([]);
  });

  it('names a lesson with fewer than two', () => {
    expect(predictionProblems(`${predict('one')}\n${steps}`)).toEqual(['1 prediction: ask the learner to predict at least 2 times (a ```predict after=STEP block)']);
  });

  it('names a prediction asked after its step', () => {
    expect(predictionProblems(`${predict('one')}\n${steps}\n${predict('two')}`)).toEqual(['the prediction for `two` comes after the step: put it before, so the learner predicts first']);
  });
});
