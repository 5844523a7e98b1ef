import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassEvent } from './event.js';
import { tryLock } from '../runtime/file-lock.js';

/**
 * The learner's outbox: one file per event, named by its sequence number, written to a temporary
 * name and renamed into place, so a crash leaves either the whole event or none. Events leave the
 * queue only when the server has acknowledged them; until then every delivery sends them again, in order.
 */
export interface EventQueue {
  readonly dir: string;
  /** Numbers the event (the next sequence number) and stores it; returns it as stored. */
  enqueue(make: (seq: number) => ClassEvent): ClassEvent;
  /** The events not yet acknowledged, oldest first. */
  pending(): ClassEvent[];
  /** The server has these: forget every event up to and including `seq`. */
  acknowledge(seq: number): void;
  /** Runs `work` holding the queue's delivery lock; undefined if another process held it for `waitMs`. */
  exclusively<T>(work: () => Promise<T>, waitMs?: number): Promise<T | undefined>;
}

const NAME = /^(\d{12})\.json$/;
const fileOf = (seq: number) => `${String(seq).padStart(12, '0')}.json`;

export function createEventQueue(dir: string): EventQueue {
  const lastSeqPath = join(dir, 'last-seq');
  const writeAtomically = (path: string, text: string) => {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  };
  const seqs = () =>
    existsSync(dir)
      ? readdirSync(dir)
          .map((name) => NAME.exec(name)?.[1])
          .filter((seq): seq is string => seq !== undefined)
          .map(Number)
          .sort((a, b) => a - b)
      : [];
  return {
    dir,
    enqueue(make) {
      mkdirSync(dir, { recursive: true });
      const release = tryLock(join(dir, 'enqueue.lock'), 10_000);
      if (!release) throw new Error(`The class queue at ${dir} stayed locked for 10 s.`);
      try {
        // The counter survives delivery (which removes files); the files' own numbers cover a counter
        // that a crash left behind them.
        const counted = existsSync(lastSeqPath) ? Number.parseInt(readFileSync(lastSeqPath, 'utf8'), 10) || 0 : 0;
        const seq = Math.max(counted, ...seqs()) + 1;
        const event = make(seq);
        writeAtomically(join(dir, fileOf(seq)), JSON.stringify(event));
        writeAtomically(lastSeqPath, String(seq));
        return event;
      } finally {
        release();
      }
    },
    pending() {
      const events: ClassEvent[] = [];
      for (const seq of seqs()) {
        const path = join(dir, fileOf(seq));
        try {
          events.push(JSON.parse(readFileSync(path, 'utf8')) as ClassEvent);
        } catch {
          // Unreadable (a disk that filled up): kept aside for a person to look at, never sent.
          if (existsSync(path)) renameSync(path, `${path}.bad`);
        }
      }
      return events;
    },
    acknowledge(upTo) {
      for (const seq of seqs()) if (seq <= upTo) rmSync(join(dir, fileOf(seq)), { force: true });
    },
    async exclusively(work, waitMs = 1_000) {
      mkdirSync(dir, { recursive: true });
      const deadline = Date.now() + waitMs;
      let release = tryLock(join(dir, 'deliver.lock'), 0);
      while (!release && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        release = tryLock(join(dir, 'deliver.lock'), 0);
      }
      if (!release) return undefined;
      try {
        return await work();
      } finally {
        release();
      }
    },
  };
}
