import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { ClassEvent } from '../../src/class/event.js';
import { createEventQueue } from '../../src/class/queue.js';

const eventAt = (stage: string) => (seq: number): ClassEvent => ({ learner: 'l-1', seq, stage, challenge: false, passed: false, checks: [], at: '2026-12-07T21:00:00.000Z' });
const fresh = () => createEventQueue(join(mkdtempSync(join(tmpdir(), 'lab-class-queue-')), 'queue'));

describe('the class event queue', () => {
  it('numbers events from 1 and gives them back oldest first', () => {
    const queue = fresh();
    for (const stage of ['a', 'b', 'c']) queue.enqueue(eventAt(stage));
    expect(queue.pending().map((e) => [e.seq, e.stage])).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
  });

  it('keeps events until acknowledged, and forgets exactly those acknowledged', () => {
    const queue = fresh();
    for (const stage of ['a', 'b', 'c']) queue.enqueue(eventAt(stage));
    queue.acknowledge(2);
    expect(queue.pending().map((e) => e.seq)).toEqual([3]);
  });

  it('never reuses a number once its event is delivered', () => {
    const queue = fresh();
    queue.enqueue(eventAt('a'));
    queue.acknowledge(1);
    expect(queue.enqueue(eventAt('b')).seq).toBe(2);
  });

  it('survives a new process: a queue opened again on the same dir has the same events and counter', () => {
    const queue = fresh();
    queue.enqueue(eventAt('a'));
    queue.enqueue(eventAt('b'));
    const again = createEventQueue(queue.dir);
    expect(again.pending().map((e) => e.seq)).toEqual([1, 2]);
    expect(again.enqueue(eventAt('c')).seq).toBe(3);
  });

  it('leaves no half-written event behind: files are complete JSON under their final name, or absent', () => {
    const queue = fresh();
    queue.enqueue(eventAt('a'));
    expect(readdirSync(queue.dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('sets an unreadable event aside instead of sending it or stopping at it', () => {
    const queue = fresh();
    queue.enqueue(eventAt('a'));
    queue.enqueue(eventAt('b'));
    writeFileSync(join(queue.dir, '000000000001.json'), '{"learner": "l-1", "se');
    expect(queue.pending().map((e) => e.seq)).toEqual([2]);
    expect(existsSync(join(queue.dir, '000000000001.json.bad'))).toBe(true);
  });

  it('lets one delivery at a time hold the queue', async () => {
    const queue = fresh();
    let second: unknown = 'not run';
    await queue.exclusively(async () => {
      second = await queue.exclusively(async () => 'ran', 50);
    });
    expect(second).toBeUndefined();
    expect(await queue.exclusively(async () => 'ran')).toBe('ran');
  });
});
