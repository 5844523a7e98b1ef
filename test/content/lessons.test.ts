import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadLessons } from '../../src/lessons/load.js';
import { LAB_IMAGES } from '../../src/runtime/image-catalog.js';
import { choiceOf, judgeQuiz, type RecordedAnswer } from '../../src/quiz/judge.js';
import { packageRoot } from '../../src/runtime/paths.js';
import { paneRows, quizLines, walkthroughLines } from '../../src/tui/concept-panes.js';
import { createTheme } from '../../src/tui/theme.js';

/** The course is data, and the data has a linter: every real lesson, every time. */
const lessons = loadLessons(join(packageRoot, 'lessons'));
const everyCommand = (stage: (typeof lessons.stages)[number]) => [...stage.setup, ...stage.solve, ...stage.cleanup, ...stage.steps.map((s) => s.command)];

describe.each(lessons.stages.map((stage) => [stage.id, stage] as const))('lesson %s', (_id, stage) => {
  it('has a folder named after its id', () => {
    expect(stage.dir).toMatch(new RegExp(`\\d+-${stage.id}$`));
  });

  it('teaches with runnable steps and has a solution', () => {
    expect(stage.steps.length).toBeGreaterThan(0);
    expect(stage.solve.length).toBeGreaterThan(0);
    expect(new Set(stage.steps.map((s) => s.name)).size).toBe(stage.steps.length);
  });

  it('names only files that exist', () => {
    const paths = everyCommand(stage).flatMap((command) => [...command.matchAll(/(?:^|\s)((?:dockerfiles|example-service|haproxy|consul)\/[\w./-]+)/g)].map((m) => m[1]!));
    for (const path of paths) expect([path, existsSync(join(packageRoot, path))]).toEqual([path, true]);
  });

  it('removes containers, networks and volumes only through a label filter', () => {
    for (const command of everyCommand(stage)) {
      for (const piped of command.split(/\n/)) {
        if (/docker (rm|volume rm|network rm)\b/.test(piped) && !/xargs/.test(piped)) {
          // A step may remove the container it just told the learner to start by name; setup, solve and cleanup may not.
          expect([...stage.setup, ...stage.solve, ...stage.cleanup]).not.toContain(piped);
        }
        if (/xargs -r docker (rm|volume rm|network rm)/.test(piped)) expect(piped).toContain('--filter label=dev.dockerlab.');
      }
    }
  });

  it('publishes only on 127.0.0.1 and declares the ports it publishes', () => {
    for (const command of everyCommand(stage)) {
      // A lab machine publishes on this computer's 127.0.0.1 only; its port is declared like any other.
      for (const match of command.matchAll(/lab machine create .*?--publish (\d+):\d+/g)) expect(stage.ports).toContain(Number(match[1]));
      // After `eval "$(lab machine env NAME)"`, `-p` publishes on that machine, not on this computer.
      if (/lab machine env/.test(command)) continue;
      for (const match of command.matchAll(/\s-p (\S*:\S+)/g)) {
        const [host, port] = match[1]!.split(':');
        expect(host).toBe('127.0.0.1');
        expect(stage.ports).toContain(Number(port));
      }
    }
  });

  it('declares every lab image its commands run or build FROM', () => {
    // A lab image named in a command (`docker run … dockerlab/registry`, `simple-registry:5000/simple-consul`
    // on a machine), one `lab deploy` runs, or one its Dockerfile builds FROM, is in `images:`.
    const declared = new Set(stage.images);
    const used = new Set<string>();
    for (const command of everyCommand(stage)) {
      for (const image of LAB_IMAGES) {
        const repository = image.reference.replace(/^localhost:5000\//, '');
        if (new RegExp(`(^|[\\s/])${repository.replace('/', '\\/')}(:latest)?($|[\\s;&|)"])`).test(command)) used.add(image.reference);
        if (command.includes(image.dockerfile)) image.from.forEach((parent) => used.add(parent));
      }
      if (/\blab deploy\b/.test(command)) used.add('localhost:5000/simple-server');
      if (/\blab deploy\b.*\s(-l|--lb)[\s=]\d/.test(command)) used.add('localhost:5000/simple-haproxy');
      if (/\blab deploy\b.*\s(-c|--consul)\b/.test(command)) used.add('localhost:5000/simple-consul');
      if (/\blab deploy\b.*--lb-mode[\s=]watch/.test(command)) used.add('localhost:5000/simple-haproxy-consul');
      if (/\blab machine create\b/.test(command)) used.add('dockerlab/host');
    }
    // What a stage builds itself it need not have beforehand (stage 1 builds simple-server).
    const tags = (image: { reference: string }) => [`-t ${image.reference} `, `-t ${image.reference.replace(/^localhost:5000\//, '$DOCKER_REPOSITORY/')} `];
    const built = new Set(LAB_IMAGES.filter((image) => everyCommand(stage).some((command) => tags(image).some((tag) => command.includes(tag)))).map((image) => image.reference));
    expect([...used].filter((reference) => !declared.has(reference) && !built.has(reference)).sort()).toEqual([]);
  });

  it('gives every check a title that reads as a claim', () => {
    for (const check of stage.checks) expect(check.title.length).toBeGreaterThan(10);
  });

  it('fits each walkthrough frame and each quiz question, with its longest answer reason, into 80×24', () => {
    const theme = createTheme(false);
    const rows = paneRows(24);
    for (const [index, frame] of (stage.walkthrough ?? []).entries()) {
      expect([frame.title, walkthroughLines(stage.walkthrough!, index, 80, theme).length <= rows]).toEqual([frame.title, true]);
    }
    const quiz = stage.quiz ?? [];
    for (const [index, question] of quiz.entries()) {
      // The reason shown may be any of this question's choices, or the right answer to the question before.
      for (const [from, shown] of quiz.entries()) {
        for (const [choice, { correct }] of shown.choices.entries()) {
          if (from !== index && !correct) continue;
          const lines = quizLines(quiz, {}, { question: index, picked: { question: from, choice } }, 80, theme);
          expect([question.id, from, choice, lines.length <= rows]).toEqual([question.id, from, choice, true]);
        }
      }
    }
  });

  it('is solved by answering its quiz right, and its cleanup forgets the answers', () => {
    if (!stage.checks.some((check) => check.kind === 'quiz')) return;
    const answers: Record<string, RecordedAnswer> = {};
    for (const command of stage.solve.filter((c) => c.startsWith(`lab quiz ${stage.id} `))) {
      for (const [, id, letter] of command.matchAll(/--answer (\S+)=(\S+)/g)) {
        const question = stage.quiz!.find((q) => q.id === id);
        expect([id, question && choiceOf(question, letter!) !== undefined]).toEqual([id, true]);
        answers[id!] = { choice: choiceOf(question!, letter!)! };
      }
    }
    expect(judgeQuiz(stage.quiz!, answers)).toMatchObject({ wrong: [], unanswered: [], passed: true });
    expect(stage.cleanup).toContain(`lab quiz ${stage.id} --reset`);
  });
});
