import { afterEach, describe, expect, it } from '@jest/globals';
import { cleanup, render } from 'ink-testing-library';
import { createActor } from 'xstate';
import { createActivityFeed } from '../../src/actors/activity.js';
import { stageSchema } from '../../src/lessons/schema.js';
import { parseSteps } from '../../src/lessons/steps.js';
import type { Lessons, Stage } from '../../src/lessons/types.js';
import { labMachine } from '../../src/statechart/lab-machine.js';
import { emptyProgress } from '../../src/progress/store.js';
import { fakeLabActors, memoryRecorder } from '../helpers/progress.js';
import { App } from '../../src/tui/App.js';
import { openQuiz, pickAnswer, quizLines } from '../../src/tui/concept-panes.js';
import { StageView } from '../../src/tui/screens/StageView.js';
import { createTheme } from '../../src/tui/theme.js';
import type { StageViewModel } from '../../src/tui/view-model.js';
import { keys, press, renderAt, waitFor, waitForFrame } from './helpers.js';

const right = '\u001B[C';
const left = '\u001B[D';

const markdown = '# Concepts\n\nHow a cluster manager places work.\n\n```sh step=quiz\nlab quiz concepts\n```\n';

/** A concept stage as the loader makes it: a walkthrough of three frames, a quiz of two questions, a quiz check. */
function conceptStage(): Stage {
  const file = stageSchema.parse({
    id: 'concepts',
    title: 'Cluster concepts',
    summary: 'One offer cycle, and a quiz.',
    walkthrough: [
      { title: 'Masters', body: 'The masters elect a **leader** through ZooKeeper.' },
      { title: 'Agents', body: 'Agents report their CPUs and memory to the leader.' },
      { title: 'Offers', body: 'The allocator offers resources to a framework.' },
    ],
    quiz: [
      {
        id: 'who-offers',
        question: 'Who offers resources to a framework?',
        choices: [
          { text: 'The agent', why: 'Agents report resources; they do not offer them.' },
          { text: "The master's allocator", correct: true, why: 'The allocator decides which framework gets each offer.' },
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
    ],
    checks: [{ kind: 'quiz', title: 'every question is answered right' }],
  });
  const { challenge: _challenge, ...fields } = file;
  return { ...fields, number: 6, dir: 'lessons/06-concepts', markdown, steps: parseSteps(markdown) };
}

const stage = conceptStage();
const lessons: Lessons = { dir: 'lessons', stages: [stage] };

function startApp() {
  const feed = createActivityFeed();
  const { recorder, store } = memoryRecorder();
  const machine = labMachine.provide({ actors: fakeLabActors(lessons, recorder, { check: async (stageId) => ({ stageId, passed: false, results: [], finishedAt: 't' }) }) });
  const actor = createActor(machine, { input: { stages: lessons.stages.map(({ id, requires, steps }) => ({ id, requires, steps })), progress: emptyProgress() } });
  const saved = store.saved;
  const view = render(<App lessons={lessons} actor={actor} feed={feed} color={false} />);
  return { ...view, actor, saved };
}


afterEach(cleanup);

describe('a concept stage in the interface', () => {
  it('steps through the walkthrough, then answers a question wrong and then right, recording both answers', async () => {
    const { stdin, lastFrame, saved } = startApp();
    await waitForFrame(lastFrame, '0/1 passed');
    await press(stdin, keys.enter);
    const opened = await waitForFrame(lastFrame, 'How a cluster manager places work.');
    expect(opened.split('\n').at(-1)).toMatch(/^↑↓ step {2}enter run {2}w walkthrough {2}a quiz {2}c check/);

    await press(stdin, 'w');
    let frame = await waitForFrame(lastFrame, 'Walkthrough · frame 1/3 · Masters');
    expect(frame).toContain('The masters elect a leader through ZooKeeper.');
    expect(frame.split('\n').at(-1)).toBe('←→ frame  esc back');
    await press(stdin, right);
    frame = await waitForFrame(lastFrame, 'frame 2/3 · Agents');
    expect(frame).toContain('Agents report their CPUs and memory to the leader.');
    await press(stdin, right);
    await press(stdin, right);
    await waitForFrame(lastFrame, 'frame 3/3 · Offers');
    await press(stdin, left);
    await waitForFrame(lastFrame, 'frame 2/3 · Agents');
    await press(stdin, keys.escape);
    await waitForFrame(lastFrame, 'How a cluster manager places work.');

    await press(stdin, 'a');
    frame = await waitForFrame(lastFrame, 'Quiz · question 1 of 2 · 0 answered right');
    expect(frame).toContain('Who offers resources to a framework?');
    expect(frame).toMatch(/ {2}a\) The agent\n {2}b\) The master's allocator/);
    expect(frame.split('\n').at(-1)).toBe('a–b answer  ←→ question  esc back');

    await press(stdin, 'a');
    frame = await waitForFrame(lastFrame, '✖ a is not right: Agents report resources; they do not offer them.');
    expect(frame).toContain('Try another letter.');
    expect(frame).toContain('question 1 of 2');
    expect(frame).toContain('✖ a) The agent');
    await waitFor(() => saved.at(-1)?.stages.concepts?.quiz?.['who-offers']?.choice === 0, 'the wrong answer to be saved');

    await press(stdin, 'b');
    frame = await waitForFrame(lastFrame, '✔ Question 1: b is right: The allocator decides which framework gets each offer.');
    expect(frame).toContain('Quiz · question 2 of 2 · 1 answered right');
    expect(frame).toContain('Which framework runs periodic jobs?');
    expect(frame).toContain('On to question 2.');
    await waitFor(() => saved.at(-1)?.stages.concepts?.quiz?.['who-offers']?.tries === 2, 'the right answer to be saved');
    expect(saved.at(-1)?.stages.concepts?.quiz?.['who-offers']).toMatchObject({ choice: 1, tries: 2 });

    await press(stdin, 'b');
    frame = await waitForFrame(lastFrame, 'All 2 answered right: esc, then c checks the stage.');
    expect(frame).toContain('✔ b is right: Chronos is a cron for the cluster.');
    await press(stdin, keys.escape);
    await waitForFrame(lastFrame, 'How a cluster manager places work.');
  });

  it('takes letters as answers while the quiz is open: c checks the stage only once it is closed', async () => {
    const { stdin, lastFrame, actor } = startApp();
    await waitForFrame(lastFrame, '0/1 passed');
    await press(stdin, keys.enter);
    await waitForFrame(lastFrame, 'How a cluster manager places work.');
    await press(stdin, 'a');
    await waitForFrame(lastFrame, 'Quiz · question 1 of 2');
    await press(stdin, 'c');
    expect(actor.getSnapshot().context.lastReport).toBeUndefined();
    await press(stdin, keys.escape);
    await waitForFrame(lastFrame, 'How a cluster manager places work.');
    await press(stdin, 'c');
    await waitFor(() => actor.getSnapshot().context.lastReport !== undefined, 'the checks to run');
  });

  it('fits a walkthrough frame and a quiz question into 80×24', async () => {
    const model: StageViewModel = {
      id: stage.id,
      number: stage.number,
      title: stage.title,
      status: 'in-progress',
      markdown: stage.markdown,
      steps: stage.steps,
      checkTitles: [],
      activity: 'reading',
      output: [],
      checkResults: [],
      panel: 'none',
      livePanel: stage.panel,
      walkthrough: stage.walkthrough!,
      quiz: { questions: stage.quiz!, answers: {} },
    };
    const view = renderAt(<StageView model={model} theme={createTheme(false)} onEvent={() => undefined} onQuit={() => undefined} />, 80, 24);
    for (const [key, text] of [['w', 'frame 1/3'], [keys.escape, 'How a cluster'], ['a', 'question 1 of 2']] as const) {
      await press(view.stdin, key);
      await waitFor(() => view.frame().includes(text), text);
      const rows = view.frame().split('\n');
      expect(rows.length).toBeLessThanOrEqual(23);
      for (const row of rows) expect(row.length).toBeLessThanOrEqual(80);
    }
    view.unmount();
  });
});

describe('the quiz pane', () => {
  const questions = stage.quiz!;

  it("shows a wrong answer's reason in red and a right one's in green", () => {
    const theme = createTheme(true);
    const wrong = quizLines(questions, {}, pickAnswer(openQuiz(questions, {}), questions, {}, 0), 80, theme);
    expect(wrong.find((line) => line.text.includes('is not right'))?.tone).toEqual(theme.tone.danger);
    expect(theme.tone.danger.color).toBe('red');
    const picked = pickAnswer(openQuiz(questions, {}), questions, {}, 1);
    expect(picked.question).toBe(1);
    const rightLines = quizLines(questions, { 'who-offers': { choice: 1, tries: 1, answeredAt: 't' } }, picked, 80, theme);
    expect(rightLines.find((line) => line.text.includes('is right'))?.tone).toEqual(theme.tone.success);
    expect(theme.tone.success.color).toBe('green');
  });

  it('opens at the first question not yet answered right', () => {
    expect(openQuiz(questions, { 'who-offers': { choice: 1, tries: 1, answeredAt: 't' } }).question).toBe(1);
    expect(openQuiz(questions, { 'who-offers': { choice: 0, tries: 1, answeredAt: 't' } }).question).toBe(0);
  });
});
