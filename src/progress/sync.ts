import { statSync } from 'node:fs';
import type { Progress, ProgressStore } from './store.js';

/**
 * Pure: the change from `before` to `after`, as a function over the file's progress at the time of
 * writing. Only the stages that changed are written (each whole), so a stage another process changed
 * meanwhile keeps its update: progress merges per stage.
 */
export function changesBetween(before: Progress, after: Progress): (fresh: Progress) => Progress {
  const ids = new Set([...Object.keys(before.stages), ...Object.keys(after.stages)]);
  const changed = [...ids].filter((id) => JSON.stringify(before.stages[id]) !== JSON.stringify(after.stages[id]));
  return (fresh) => {
    const stages = { ...fresh.stages };
    for (const id of changed) {
      const entry = after.stages[id];
      if (entry) stages[id] = entry;
      else delete stages[id];
    }
    const current = before.current !== after.current ? after.current : fresh.current;
    return { version: 1, ...(current ? { current } : {}), stages };
  };
}

/** Whoever holds progress in memory (the interface's statechart). */
export interface ProgressHolder {
  current(): Progress;
  /** Calls back with each new progress object; returns how to stop. */
  subscribe(onProgress: (progress: Progress) => void): () => void;
  /** Takes progress as the file now holds it (written by another `lab` process, or merged with its writes). */
  adopt(progress: Progress): void;
}

export interface SyncOptions {
  /** How often the file is looked at for writes by other processes. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Keeps a holder's progress and the file as one: each change the holder makes is written through the
 * store's locked update as its difference from the last progress both agreed on, and what other `lab`
 * processes write (`lab check` in the learner's own terminal) is adopted within `intervalMs`.
 */
export function syncProgress(store: ProgressStore, holder: ProgressHolder, { intervalMs = 250, onError = () => undefined }: SyncOptions = {}): ProgressSync {
  let known = holder.current();
  const adopt = (progress: Progress) => {
    known = progress;
    holder.adopt(progress);
  };
  const write = (progress: Progress) => {
    if (progress === known) return;
    const before = known;
    known = progress;
    try {
      const written = store.update(changesBetween(before, progress));
      if (JSON.stringify(written) !== JSON.stringify(progress)) adopt(written);
    } catch (error) {
      onError(error);
    }
  };
  const unsubscribe = holder.subscribe(write);
  const look = () => {
    try {
      const { progress } = store.load();
      if (JSON.stringify(progress) !== JSON.stringify(known)) adopt(progress);
    } catch (error) {
      onError(error);
    }
  };
  // Polled, not fs.watch: a rename over the file (how every writer saves) is seen on every file
  // system. The first stat is taken now, synchronously, so a write made at any moment after this is
  // seen (fs.watchFile's first stat is asynchronous, and missed a write made before it ran).
  let seen = stamp(store.path);
  const poll = setInterval(() => {
    const now = stamp(store.path);
    if (now === seen) return;
    seen = now;
    look();
  }, intervalMs);
  poll.unref();
  return {
    flush: () => write(holder.current()),
    stop: () => {
      unsubscribe();
      clearInterval(poll);
    },
  };
}

export interface ProgressSync {
  /** Writes the holder's progress now if it changed unseen (a machine's start makes its first progress). */
  flush(): void;
  stop(): void;
}

/** What tells one version of the file from the next: a writer renames a new file in (a new inode). */
function stamp(path: string): string {
  try {
    const { ino, mtimeMs, size } = statSync(path);
    return `${ino}:${mtimeMs}:${size}`;
  } catch {
    return 'absent';
  }
}
