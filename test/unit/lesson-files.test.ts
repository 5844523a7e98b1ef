import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadLessonsCached } from '../../src/lessons/cached-lessons.js';
import { loadLessons } from '../../src/lessons/load.js';
import { parseWalkthrough } from '../../src/lessons/walkthrough.js';
import { stageYaml, writeLessons } from '../helpers/lesson-fixtures.js';

const withSetup = (id: string, setup: string) => stageYaml(id).replace('solve:', `setup:\n${setup}\nsolve:`);

describe('the track file: command blocks stages share', () => {
  it('puts a block’s commands where a stage says `use:`, in order, around its own', () => {
    const dir = writeLessons([{ folder: '01-one', yaml: withSetup('one', '  - echo before\n  - use: registry\n  - echo after') }]);
    writeFileSync(join(dir, 'track.yaml'), 'blocks:\n  registry:\n    - echo volume\n    - echo run\n');
    expect(loadLessons(dir).stages[0]?.setup).toEqual(['echo before', 'echo volume', 'echo run', 'echo after']);
  });

  it('names the stage file and field, and the blocks there are, for an unknown block', () => {
    const dir = writeLessons([{ folder: '01-one', yaml: withSetup('one', '  - use: registy') }]);
    writeFileSync(join(dir, 'track.yaml'), 'blocks:\n  registry:\n    - echo run\n');
    expect(() => loadLessons(dir)).toThrow(/01-one\/stage\.yaml: setup\[0\]\.use: names no block of track\.yaml \(it has registry\)/);
  });

  it('names the field of a malformed track file', () => {
    const dir = writeLessons([{ folder: '01-one', yaml: stageYaml('one') }]);
    writeFileSync(join(dir, 'track.yaml'), 'blocks:\n  registry: []\n');
    expect(() => loadLessons(dir)).toThrow(/track\.yaml: blocks\.registry: a block needs at least one command/);
  });

  it('is optional: a folder of lessons without one loads, and says so when a stage uses a block', () => {
    expect(loadLessons(writeLessons([{ folder: '01-one', yaml: stageYaml('one') }])).stages).toHaveLength(1);
    const dir = writeLessons([{ folder: '01-one', yaml: withSetup('one', '  - use: registry') }]);
    expect(() => loadLessons(dir)).toThrow(/names no block of track\.yaml \(there is none\)/);
  });

  it('gives the built-in track one registry block, used by all six stages', () => {
    const stages = loadLessons(join(process.cwd(), 'lessons')).stages;
    for (const stage of stages) expect(stage.setup.some((command) => command.includes('docker run -d --name simple-registry'))).toBe(true);
  });
});

describe('a walkthrough in its own markdown file', () => {
  it('makes a frame of each ## heading, a heading inside a code block being code', () => {
    const frames = parseWalkthrough('<!-- for authors -->\n\n## One\n\nFirst.\n\n```\n## not a frame\n```\n\n## Two\n\nSecond.\n');
    expect(frames).toEqual([
      { title: 'One', body: 'First.\n\n```\n## not a frame\n```\n' },
      { title: 'Two', body: 'Second.\n' },
    ]);
  });

  it('is loaded beside the lesson, and refused when stage.yaml has one too', () => {
    const dir = writeLessons([{ folder: '01-one', yaml: stageYaml('one') }]);
    writeFileSync(join(dir, '01-one', 'walkthrough.md'), '## A frame\n\nIts text.\n');
    expect(loadLessons(dir).stages[0]?.walkthrough).toEqual([{ title: 'A frame', body: 'Its text.\n' }]);
    const both = writeLessons([{ folder: '01-one', yaml: `${stageYaml('one')}walkthrough:\n  - title: T\n    body: B\n` }]);
    writeFileSync(join(both, '01-one', 'walkthrough.md'), '## A frame\n\nIts text.\n');
    expect(() => loadLessons(both)).toThrow(/01-one\/stage\.yaml: walkthrough: is also in walkthrough\.md/);
  });

  it('names an empty frame', () => {
    const dir = writeLessons([{ folder: '01-one', yaml: stageYaml('one') }]);
    writeFileSync(join(dir, '01-one', 'walkthrough.md'), '## Empty\n\n## Full\n\ntext\n');
    expect(() => loadLessons(dir)).toThrow(/walkthrough\.md: frame 1 \("Empty"\): has no text/);
  });

  it('gives stage 6 its eight frames from lessons/06-orchestration/walkthrough.md', () => {
    const orchestration = loadLessons(join(process.cwd(), 'lessons')).stages.find((s) => s.id === 'orchestration');
    expect(orchestration?.walkthrough).toHaveLength(8);
  });
});

describe('the lesson cache', () => {
  const cacheDir = () => mkdtempSync(join(tmpdir(), 'lab-lesson-cache-'));

  it('gives what the loader gives, from its file the second time', async () => {
    const dir = writeLessons([{ folder: '01-one', yaml: stageYaml('one') }]);
    const cache = cacheDir();
    const first = await loadLessonsCached(dir, cache);
    expect(first).toEqual(loadLessons(dir));
    expect(readdirSync(cache)).toHaveLength(1);
    expect(await loadLessonsCached(dir, cache)).toEqual(first);
  });

  it('never serves an edited lesson from before the edit, and still names a broken one', async () => {
    const dir = writeLessons([{ folder: '01-one', yaml: stageYaml('one') }]);
    const cache = cacheDir();
    await loadLessonsCached(dir, cache);
    writeFileSync(join(dir, '01-one', 'stage.yaml'), stageYaml('one').replace('title: Stage one', 'title: Stage one, edited'));
    expect((await loadLessonsCached(dir, cache)).stages[0]?.title).toBe('Stage one, edited');
    writeFileSync(join(dir, '01-one', 'stage.yaml'), stageYaml('one').replace('title: Stage one\n', ''));
    await expect(loadLessonsCached(dir, cache)).rejects.toThrow(/01-one\/stage\.yaml: title/);
  });
});
