import { describe, expect, it } from '@jest/globals';
import { LessonError, UsageError } from '../../src/errors.js';
import { prerequisitesOf, resolveStage } from '../../src/lessons/graph.js';
import { loadLessons } from '../../src/lessons/load.js';
import { stageYaml, writeLessons } from '../helpers/lesson-fixtures.js';

const thrown = (work: () => unknown): unknown => {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
};

describe('the lesson graph', () => {
  it('orders stages so each comes after what it requires', () => {
    const dir = writeLessons([
      { folder: '01-c', yaml: stageYaml('c', ['b']) },
      { folder: '02-a', yaml: stageYaml('a') },
      { folder: '03-b', yaml: stageYaml('b', ['a']) },
    ]);
    expect(loadLessons(dir).stages.map((s) => s.id)).toEqual(['a', 'b', 'c']);
  });

  it('accepts a stage number as an alias of its id and lists the valid ids otherwise', () => {
    const lessons = loadLessons(writeLessons([{ folder: '01-a', yaml: stageYaml('a') }, { folder: '02-b', yaml: stageYaml('b', ['a']) }]));
    expect(resolveStage(lessons, '2').id).toBe('b');
    expect(resolveStage(lessons, 'a').number).toBe(1);
    const error = thrown(() => resolveStage(lessons, 'nope')) as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.next).toContain('1 a, 2 b');
  });

  it('finds every prerequisite, directly or not, in graph order', () => {
    const lessons = loadLessons(
      writeLessons([
        { folder: '01-a', yaml: stageYaml('a') },
        { folder: '02-b', yaml: stageYaml('b', ['a']) },
        { folder: '03-c', yaml: stageYaml('c', ['b']) },
      ]),
    );
    expect(prerequisitesOf(lessons, resolveStage(lessons, 'c')).map((s) => s.id)).toEqual(['a', 'b']);
  });

  it('parses the named steps of a lesson, with long-running ones marked', () => {
    const markdown = 'Intro\n\n```sh step=build\ndocker build .\n```\n\n```sh\nnot a step\n```\n\n```sh step=serve long\ndocker run x\n```\n';
    const lessons = loadLessons(writeLessons([{ folder: '01-a', yaml: stageYaml('a'), markdown }]));
    expect(lessons.stages[0]!.steps).toEqual([
      { name: 'build', command: 'docker build .', long: false },
      { name: 'serve', command: 'docker run x', long: true },
    ]);
  });
});

describe('lesson validation', () => {
  const errorFor = (yaml: string): LessonError => thrown(() => loadLessons(writeLessons([{ folder: '01-a', yaml }]))) as LessonError;

  it('names the file and the field of a missing title', () => {
    const error = errorFor(stageYaml('a').replace(/^title:.*\n/m, ''));
    expect(error).toBeInstanceOf(LessonError);
    expect(error.exitCode).toBe(2);
    expect(error.file).toMatch(/01-a\/stage\.yaml$/);
    expect(error.field).toBe('title');
  });

  it('names the index of a check with an unknown kind', () => {
    const error = errorFor(stageYaml('a').replace('kind: container-running', 'kind: telepathy'));
    expect(error.field).toBe('checks[0].kind');
  });

  it('names the field of a check missing its container', () => {
    const error = errorFor(stageYaml('a').replace(/^\s+container: .*$/m, ''));
    expect(error.field).toBe('checks[0].container');
  });

  it('rejects a requirement on a stage that does not exist', () => {
    const error = errorFor(stageYaml('a', ['ghost']));
    expect(error.field).toBe('requires[0]');
    expect(error.message).toContain('ghost');
  });

  it('reports YAML syntax errors with their line', () => {
    const error = errorFor('id: a\ntitle: [unclosed\n');
    expect(error.message).toMatch(/stage\.yaml: line \d+: is not valid YAML/);
  });

  it('rejects a cycle of requirements', () => {
    const error = thrown(() =>
      loadLessons(writeLessons([{ folder: '01-a', yaml: stageYaml('a', ['b']) }, { folder: '02-b', yaml: stageYaml('b', ['a']) }])),
    ) as LessonError;
    expect(error.message).toContain('cycle');
  });

  it('rejects two stages with one id', () => {
    const error = thrown(() => loadLessons(writeLessons([{ folder: '01-a', yaml: stageYaml('a') }, { folder: '02-a', yaml: stageYaml('a') }]))) as LessonError;
    expect(error.field).toBe('id');
  });
});
