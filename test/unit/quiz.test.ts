import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { quizCheck } from '../../src/checks/quiz.js';
import { quizCommand } from '../../src/cli/commands/quiz.js';
import type { CommandContext } from '../../src/cli/context.js';
import { createOutput } from '../../src/cli/output.js';
import { LessonError, UsageError } from '../../src/errors.js';
import { loadLessons } from '../../src/lessons/load.js';
import type { CheckSpec, QuizQuestion } from '../../src/lessons/schema.js';
import { answersOf, forgetAnswers, forgetStages, recordAnswer, recordReport } from '../../src/progress/record.js';
import { createProgressRecorder } from '../../src/progress/recorder.js';
import { createProgressStore, emptyProgress, type Progress } from '../../src/progress/store.js';
import { choiceOf, judgeAnswer, judgeQuiz, letterOf, letterRange } from '../../src/quiz/judge.js';
import { writeLessons } from '../helpers/lesson-fixtures.js';

const questions: QuizQuestion[] = [
  {
    id: 'who-offers',
    question: 'Who offers resources to a framework?',
    choices: [
      { text: 'The agent', why: 'Agents report resources; they do not offer them.' },
      { text: "The master's allocator", correct: true, why: 'The allocator decides which framework gets each offer.' },
      { text: 'ZooKeeper', why: 'ZooKeeper elects the leading master; it offers nothing.' },
    ],
  },
  {
    id: 'who-places',
    question: 'Who decides where a task runs?',
    choices: [
      { text: "The framework's scheduler", correct: true, why: 'It accepts offers with tasks.' },
      { text: 'The master', why: 'The master only chooses who gets offers.' },
    ],
  },
  {
    id: 'periodic',
    question: 'Which framework runs periodic jobs?',
    choices: [
      { text: 'Marathon', why: 'Marathon keeps services running.' },
      { text: 'Chronos', correct: true, why: 'Chronos is a cron for the cluster.' },
    ],
  },
];

describe('judging a quiz', () => {
  it('names every question correct, wrong or unanswered, with the reason of the chosen answer', () => {
    const verdict = judgeQuiz(questions, { 'who-offers': { choice: 1, tries: 2 }, 'who-places': { choice: 1 } });
    expect(verdict.questions).toEqual([
      { id: 'who-offers', status: 'correct', choice: 1, letter: 'b', why: 'The allocator decides which framework gets each offer.', tries: 2 },
      { id: 'who-places', status: 'wrong', choice: 1, letter: 'b', why: 'The master only chooses who gets offers.', tries: 1 },
      { id: 'periodic', status: 'unanswered', tries: 0 },
    ]);
    expect(verdict).toMatchObject({ correct: ['who-offers'], wrong: ['who-places'], unanswered: ['periodic'], passed: false });
  });

  it('passes only when every question is answered right', () => {
    expect(judgeQuiz(questions, { 'who-offers': { choice: 1 }, 'who-places': { choice: 0 }, periodic: { choice: 1 } }).passed).toBe(true);
    expect(judgeQuiz(questions, { 'who-offers': { choice: 1 }, 'who-places': { choice: 0 } }).passed).toBe(false);
    expect(judgeQuiz([], {}).passed).toBe(false);
  });

  it('counts an answer to a choice the question no longer has as unanswered, and ignores unknown questions', () => {
    const verdict = judgeQuiz(questions, { 'who-offers': { choice: 7 }, 'not-asked': { choice: 0 } });
    expect(verdict.unanswered).toEqual(['who-offers', 'who-places', 'periodic']);
  });

  it('judges one answer on its own and maps letters to choices', () => {
    expect(judgeAnswer(questions[0]!, 2)).toEqual({ correct: false, why: 'ZooKeeper elects the leading master; it offers nothing.' });
    expect(letterOf(0)).toBe('a');
    expect(choiceOf(questions[0]!, 'C')).toBe(2);
    expect(choiceOf(questions[0]!, 'd')).toBeUndefined();
    expect(choiceOf(questions[0]!, 'ab')).toBeUndefined();
    expect(letterRange(questions[0]!)).toBe('a–c');
  });
});

describe('the quiz check', () => {
  const spec = { kind: 'quiz', title: 'the quiz is answered right', stage: 'concepts', questions } as Extract<CheckSpec, { kind: 'quiz' }>;
  const answered = (progress: Progress) => ({ docker: undefined as never, http: undefined as never, progress: () => progress });

  it('reads the answers from progress and names the wrong and the unanswered questions, and how to answer', async () => {
    const progress = recordAnswer(recordAnswer(emptyProgress(), 'concepts', 'who-offers', 1, 't'), 'concepts', 'who-places', 1, 't');
    const facts = await quizCheck.observe(spec, answered(progress));
    const judgement = quizCheck.judge(spec, facts);
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toBe('1 of 3 questions answered right: who-places is answered wrong; periodic is not answered yet.');
    expect(judgement.hint).toContain('`lab quiz concepts --answer who-places=LETTER`');
    expect(judgement.hint).toContain('press a');
    expect(quizCheck.retryable?.(facts)).toBe(false);
  });

  it('passes when every question has a right answer', async () => {
    let progress = emptyProgress();
    for (const [id, choice] of [['who-offers', 1], ['who-places', 0], ['periodic', 1]] as const) progress = recordAnswer(progress, 'concepts', id, choice, 't');
    expect(quizCheck.judge(spec, await quizCheck.observe(spec, answered(progress)))).toEqual({ status: 'pass', summary: 'All 3 questions are answered right.' });
  });
});

describe('quiz answers in progress', () => {
  it('keeps the latest answer per question, by id and choice index, and counts the tries', () => {
    let progress = recordAnswer(emptyProgress(), 'concepts', 'who-offers', 0, '2026-01-01T00:00:00Z');
    progress = recordAnswer(progress, 'concepts', 'who-offers', 1, '2026-01-01T00:01:00Z');
    progress = recordAnswer(progress, 'concepts', 'periodic', 1, '2026-01-01T00:02:00Z');
    expect(answersOf(progress, 'concepts')).toEqual({
      'who-offers': { choice: 1, tries: 2, answeredAt: '2026-01-01T00:01:00Z' },
      periodic: { choice: 1, tries: 1, answeredAt: '2026-01-01T00:02:00Z' },
    });
    expect(progress.stages.concepts?.status).toBe('started');
  });

  it('keeps the answers when checks are recorded, and forgets them on --reset or a stage reset', () => {
    const answered = recordAnswer(emptyProgress(), 'concepts', 'who-offers', 1, 't');
    const checked = recordReport(answered, { stageId: 'concepts', passed: false, results: [], finishedAt: 't2' });
    expect(answersOf(checked, 'concepts')).toEqual({ 'who-offers': { choice: 1, tries: 1, answeredAt: 't' } });
    expect(checked.stages.concepts?.status).toBe('failed');
    const cleared = forgetAnswers(checked, 'concepts');
    expect(cleared.stages.concepts).toMatchObject({ status: 'failed', attempts: 1 });
    expect(cleared.stages.concepts?.quiz).toBeUndefined();
    expect(answersOf(forgetStages(checked, ['concepts']), 'concepts')).toEqual({});
  });

  it('loads a progress file written before quizzes existed, and round-trips the answers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-state-'));
    const old = { version: 1, current: 'single-host', stages: { 'single-host': { status: 'passed', updatedAt: 't', passedAt: 't', attempts: 2 } } };
    writeFileSync(join(dir, 'progress.json'), JSON.stringify(old));
    const store = createProgressStore(dir);
    const loaded = store.load();
    expect(loaded.warning).toBeUndefined();
    expect(loaded.progress.stages['single-host']).toMatchObject({ status: 'passed', attempts: 2 });
    store.update(() => recordAnswer(loaded.progress, 'concepts', 'periodic', 0, 't'));
    expect(answersOf(store.load().progress, 'concepts')).toEqual({ periodic: { choice: 0, tries: 1, answeredAt: 't' } });
  });
});

const conceptYaml = (quiz: string, checks = '  - kind: quiz\n    title: the quiz is answered right\n') => `id: concepts
title: Concepts
summary: A concept stage.
walkthrough:
  - title: One
    body: The first frame.
${quiz}
checks:
${checks}`;

const goodQuiz = `quiz:
  - id: who-offers
    question: Who offers resources?
    choices:
      - text: The agent
        why: Agents report.
      - text: The allocator
        correct: true
        why: It offers.
  - id: periodic
    question: Which framework runs periodic jobs?
    choices:
      - text: Marathon
        why: Services.
      - text: Chronos
        correct: true
        why: Cron.`;

describe('quiz and walkthrough in a stage file', () => {
  const load = (yaml: string) => loadLessons(writeLessons([{ folder: '01-concepts', yaml }]));
  const errorFor = (yaml: string): LessonError => {
    try {
      load(yaml);
    } catch (error) {
      return error as LessonError;
    }
    throw new Error('expected a lesson error');
  };

  it('loads a walkthrough and a quiz, and gives the quiz check the stage id and its questions', () => {
    const [stage] = load(conceptYaml(goodQuiz)).stages;
    expect(stage!.walkthrough).toEqual([{ title: 'One', body: 'The first frame.' }]);
    expect(stage!.quiz!.map((q) => q.id)).toEqual(['who-offers', 'periodic']);
    expect(stage!.checks[0]).toMatchObject({ kind: 'quiz', stage: 'concepts', questions: stage!.quiz });
  });

  it('needs at least two choices', () => {
    const error = errorFor(conceptYaml(goodQuiz.replace(/      - text: Marathon\n        why: Services.\n/, '')));
    expect(error).toBeInstanceOf(LessonError);
    expect(error.field).toBe('quiz[1].choices');
    expect(error.message).toContain('at least 2 choices');
  });

  it('needs exactly one correct choice per question', () => {
    const none = errorFor(conceptYaml(goodQuiz.replace('        correct: true\n        why: Cron.', '        why: Cron.')));
    expect(none.field).toBe('quiz[1].choices');
    expect(none.message).toContain('exactly one choice with `correct: true`; it has 0');
    const two = errorFor(conceptYaml(goodQuiz.replace('      - text: The agent\n', '      - text: The agent\n        correct: true\n')));
    expect(two.field).toBe('quiz[0].choices');
    expect(two.message).toContain('it has 2');
  });

  it('needs unique question ids that are slugs', () => {
    const twice = errorFor(conceptYaml(goodQuiz.replace('id: periodic', 'id: who-offers')));
    expect(twice.field).toBe('quiz[1].id');
    expect(twice.message).toContain('"who-offers" is the id of an earlier question too');
    expect(errorFor(conceptYaml(goodQuiz.replace('id: periodic', 'id: Periodic Jobs'))).field).toBe('quiz[1].id');
  });

  it('names a walkthrough frame without a body', () => {
    expect(errorFor(conceptYaml(goodQuiz).replace('    body: The first frame.\n', '')).field).toBe('walkthrough[0].body');
  });

  it('refuses a quiz check in a stage without a quiz', () => {
    const error = errorFor(conceptYaml(''));
    expect(error.field).toBe('checks[0].kind');
    expect(error.message).toContain('needs the stage to have a `quiz`');
  });
});

/** `lab quiz` in-process: the lessons above, a progress store in a fresh folder, output collected. */
function quizContext(env: NodeJS.ProcessEnv = { NO_COLOR: '1' }, isTTY = false) {
  const dir = writeLessons([
    { folder: '01-concepts', yaml: conceptYaml(goodQuiz) },
    { folder: '02-plain', yaml: 'id: plain\ntitle: Plain\nsummary: No quiz.\nchecks:\n  - kind: container-running\n    title: the box is running\n    container: box\n' },
  ]);
  const store = createProgressStore(mkdtempSync(join(tmpdir(), 'lab-state-')));
  let text = '';
  const stream = { isTTY, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  const recorder = createProgressRecorder(store);
  const ctx = { out: createOutput(stream, env), lessons: () => loadLessons(dir), store: () => store, recorder: () => recorder } as unknown as CommandContext;
  return { ctx, store, text: () => text };
}

describe('lab quiz', () => {
  it('prints the questions with lettered choices and what is answered so far, in plain text', () => {
    const { ctx, store, text } = quizContext();
    store.update(() => recordAnswer(emptyProgress(), 'concepts', 'who-offers', 0, 't'));
    expect(quizCommand(ctx, 'concepts', {})).toBe(0);
    const printed = text();
    expect(printed).toContain('1. who-offers — Who offers resources?\n   a) The agent\n   b) The allocator\n   ✖ you answered a: wrong. Agents report.');
    expect(printed).toContain('2. periodic — Which framework runs periodic jobs?\n   a) Marathon\n   b) Chronos\n   not answered yet');
    expect(printed).toContain('0 of 2 answered right (wrong: who-offers; not answered: periodic). Answer with `lab quiz concepts --answer ID=LETTER`.');
    expect(printed).not.toMatch(/\u001b\[/);
  });

  it('records answers, says right or wrong with the reason, and exits 1 when one is wrong', () => {
    const { ctx, store, text } = quizContext();
    expect(quizCommand(ctx, '1', { answer: ['who-offers=b', 'periodic=a'] })).toBe(1);
    expect(text()).toContain('✔ who-offers=b: right. It offers.\n✖ periodic=a: wrong. Services.\n');
    expect(answersOf(store.load().progress, 'concepts')).toEqual({ 'who-offers': { choice: 1, tries: 1, answeredAt: expect.any(String) }, periodic: { choice: 0, tries: 1, answeredAt: expect.any(String) } });
  });

  it('exits 0 when every given answer is right, counting tries', () => {
    const { ctx, store, text } = quizContext();
    quizCommand(ctx, 'concepts', { answer: ['periodic=a'] });
    expect(quizCommand(ctx, 'concepts', { answer: ['periodic=B', 'who-offers=b'] })).toBe(0);
    expect(text()).toContain('All 2 questions answered right. `lab check concepts` records it.');
    expect(answersOf(store.load().progress, 'concepts').periodic).toMatchObject({ choice: 1, tries: 2 });
  });

  it('forgets the stage answers with --reset', () => {
    const { ctx, store } = quizContext();
    quizCommand(ctx, 'concepts', { answer: ['periodic=b'] });
    expect(quizCommand(ctx, 'concepts', { reset: true })).toBe(0);
    expect(answersOf(store.load().progress, 'concepts')).toEqual({});
  });

  it('exits 2, recording nothing, for an unknown question, letter or stage, a malformed answer or a stage without a quiz', () => {
    const { ctx, store } = quizContext();
    const usage = (work: () => unknown): UsageError => {
      try {
        work();
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        expect((error as UsageError).exitCode).toBe(2);
        return error as UsageError;
      }
      throw new Error('expected a usage error');
    };
    expect(usage(() => quizCommand(ctx, 'concepts', { answer: ['periodic=b', 'nope=a'] })).next).toBe('Its questions are who-offers and periodic.');
    expect(usage(() => quizCommand(ctx, 'concepts', { answer: ['periodic=c'] })).message).toBe('"c" is not a choice of question periodic.');
    expect(usage(() => quizCommand(ctx, 'concepts', { answer: ['periodic'] })).message).toContain('give it as ID=LETTER');
    expect(usage(() => quizCommand(ctx, 'plain', {})).next).toBe('Stages with a quiz: concepts.');
    usage(() => quizCommand(ctx, 'ghost', {}));
    expect(store.load().progress).toEqual(emptyProgress());
  });

  it('honours NO_COLOR on a terminal, and colours without it', () => {
    const plain = quizContext({ NO_COLOR: '1' }, true);
    quizCommand(plain.ctx, 'concepts', { answer: ['periodic=b'] });
    expect(plain.text()).not.toMatch(/\u001b\[/);
    const coloured = quizContext({ TERM: 'xterm' }, true);
    quizCommand(coloured.ctx, 'concepts', { answer: ['periodic=b'] });
    expect(coloured.text()).toMatch(/\u001b\[32m/);
  });
});
