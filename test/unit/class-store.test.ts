import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { ClassEvent } from '../../src/class/event.js';
import { openClassStore, type ClassStore } from '../../src/class/store.js';

const event = (learner: string, seq: number, change: Partial<ClassEvent> = {}): ClassEvent => ({
  learner,
  seq,
  stage: 'single-host',
  challenge: false,
  passed: false,
  checks: [
    { status: 'pass', title: 'the image is built', hinted: false },
    { status: 'fail', title: 'its log says it serves on 8080', hinted: true },
  ],
  at: `2026-12-07T21:00:0${seq % 10}.000Z`,
  ...change,
});
const passed = (learner: string, seq: number, change: Partial<ClassEvent> = {}) => event(learner, seq, { passed: true, checks: [{ status: 'pass', title: 'the image is built', hinted: false }], ...change });

describe('the class store', () => {
  const opened: ClassStore[] = [];
  const open = (dir = mkdtempSync(join(tmpdir(), 'lab-class-store-'))) => {
    const store = openClassStore(dir);
    opened.push(store);
    return { store, dir };
  };
  afterEach(() => opened.splice(0).forEach((store) => store.close()));

  it('keeps the class code and instructor token across restarts', () => {
    const { store, dir } = open();
    const first = store.secrets();
    store.close();
    opened.pop();
    expect(open(dir).store.secrets()).toEqual(first);
    expect(first.code).toMatch(/^[A-Z2-9]{6}$/);
  });

  it('knows a learner by the key issued at join, and no one by another key', () => {
    const { store } = open();
    const { learner, key } = store.addLearner('ada');
    expect(store.learnerOf(key)).toBe(learner);
    expect(store.learnerOf(`${key}x`)).toBeUndefined();
  });

  it('stores each (learner, seq) once: a redelivered event is not counted again', () => {
    const { store } = open();
    const { learner } = store.addLearner('ada');
    expect(store.addEvents([event(learner, 1), event(learner, 2)])).toBe(2);
    expect(store.addEvents([event(learner, 2), event(learner, 3)])).toBe(1);
    expect(store.eventsOf(learner).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("shows each stage's latest run, with the failing check's title and the hints shown", () => {
    const { store } = open();
    const { learner } = store.addLearner('ada');
    store.addEvents([event(learner, 1)]);
    expect(store.board().learners[0]!.cells['single-host']).toMatchObject({ state: 'failed', failing: 'its log says it serves on 8080', fails: 1, hintsUsed: 1 });
    store.addEvents([passed(learner, 2)]);
    expect(store.board().learners[0]!.cells['single-host']).toMatchObject({ state: 'passed', failing: undefined, fails: 0 });
  });

  it('never lets an older run arriving late turn a cell back', () => {
    const { store } = open();
    const { learner } = store.addLearner('ada');
    store.addEvents([passed(learner, 2)]);
    store.addEvents([event(learner, 1)]);
    expect(store.board().learners[0]!.cells['single-host']!.state).toBe('passed');
  });

  it("marks a stage's challenge beside the stage, not in its place", () => {
    const { store } = open();
    const { learner } = store.addLearner('ada');
    store.addEvents([passed(learner, 1), passed(learner, 2, { challenge: true })]);
    expect(store.board().learners[0]!.cells['single-host']).toMatchObject({ state: 'passed', challenge: 'passed' });
  });

  it('puts raised hands on top, the oldest first, and the rest in the order they joined', () => {
    const { store } = open();
    const ids = ['ada', 'bob', 'cy', 'di'].map((name) => store.addLearner(name).learner);
    store.setHand(ids[3]!, true, 'help');
    store.setHand(ids[1]!, true);
    expect(store.board().learners.map((l) => l.name)).toEqual(['di', 'bob', 'ada', 'cy']);
    store.setHand(ids[3]!, false);
    expect(store.board().learners.map((l) => l.name)).toEqual(['bob', 'ada', 'cy', 'di']);
  });

  it('counts what it is told to', () => {
    const { store } = open();
    store.count('rejected');
    store.count('rejected');
    store.count('accepted', 5);
    expect(store.board().counters).toEqual({ rejected: 2, accepted: 5 });
  });
});
