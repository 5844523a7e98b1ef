import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadLessons } from '../../src/lessons/load.js';
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
