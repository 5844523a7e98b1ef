import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLessons } from '../../src/lessons/load.js';
import { parsePredictions, showPredictions } from '../../src/lessons/predictions.js';
import { parseSteps } from '../../src/lessons/steps.js';

const lesson = [
  '# Drill',
  '',
  '```predict after=drill',
  'Three containers go at once. How many requests fail?',
  '---',
  'None: `retries` resend the one in flight.',
  '```',
  '',
  '```sh step=drill',
  'docker rm -f server_1',
  '```',
  '',
].join('\n');

describe('predictions', () => {
  it('reads the step, the question and the answer of each block', () => {
    expect(parsePredictions(lesson)).toEqual([{ at: 9, after: 'drill', question: 'Three containers go at once. How many requests fail?', answer: 'None: `retries` resend the one in flight.' }]);
  });

  it('is not taken for a step', () => {
    expect(parseSteps(lesson).map((step) => step.name)).toEqual(['drill']);
  });

  it('shows the question alone until its step has run, then what happened', () => {
    const before = showPredictions(lesson, new Set());
    expect(before).toContain('> **Predict, before you run `drill`:** Three containers go at once. How many requests fail?');
    expect(before).toContain('> *The answer shows here once `drill` has run.*');
    expect(before).not.toContain('None:');
    const after = showPredictions(lesson, new Set(['drill']));
    expect(after).toContain('> **What happened:** None: `retries` resend the one in flight.');
    expect(after).toContain('```sh step=drill');
  });

  it('names a block without its step, or without its answer', () => {
    expect(parsePredictions('```predict\nWhich?\n---\nThat.\n```\n')[0]?.problem).toBe('a predict block needs `after=STEP`');
    expect(parsePredictions('```predict after=x\nWhich?\n```\n')[0]?.problem).toBe('a predict block needs a question, a line `---`, then the answer');
  });

  it('makes the loader name the file and the block when a prediction names no step of the lesson', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-predict-'));
    mkdirSync(join(dir, '01-single-host'));
    writeFileSync(join(dir, '01-single-host', 'stage.yaml'), 'id: single-host\ntitle: One\nsummary: One host.\nrequires: []\nsolve: [echo]\nchecks:\n  - kind: container-running\n    title: the server runs as a daemon\n    container: s\n');
    writeFileSync(join(dir, '01-single-host', 'lesson.md'), lesson.replace('after=drill', 'after=dril'));
    expect(() => loadLessons(dir)).toThrow(/lesson\.md.*predict block 1 \(after=dril\).*names no step of this lesson \(it has drill\)/s);
  });
});
