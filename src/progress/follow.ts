import { statSync } from 'node:fs';
import type { ProgressRecorder } from './recorder.js';
import type { Progress } from './store.js';

export interface FollowOptions {
  /** How often the file is looked at for writes by other processes. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Calls back with progress as the file holds it: at once after each write this process records, and
 * within `intervalMs` of a write by another `lab` process (`lab check` in the learner's own terminal).
 * Returns how to stop.
 */
export function followProgress(recorder: ProgressRecorder, onProgress: (progress: Progress) => void, { intervalMs = 250, onError = () => undefined }: FollowOptions = {}): () => void {
  let known = '';
  const tell = (progress: Progress) => {
    const text = JSON.stringify(progress);
    if (text === known) return;
    known = text;
    onProgress(progress);
  };
  const unsubscribe = recorder.subscribe(tell);
  // Polled, not fs.watch: a rename over the file (how every writer saves) is seen on every file
  // system. The first stat is taken now, synchronously, so a write made at any moment after this is
  // seen (fs.watchFile's first stat is asynchronous, and missed a write made before it ran).
  let seen = stamp(recorder.path);
  const look = () => {
    try {
      tell(recorder.read());
    } catch (error) {
      onError(error);
    }
  };
  look();
  const poll = setInterval(() => {
    const now = stamp(recorder.path);
    if (now === seen) return;
    seen = now;
    look();
  }, intervalMs);
  poll.unref();
  return () => {
    unsubscribe();
    clearInterval(poll);
  };
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
