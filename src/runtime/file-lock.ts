import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';

/**
 * Takes a lock file made with O_EXCL (which exists or not, atomically, on every local file system),
 * holding this process's id, or says it could not within `waitMs` (undefined). A lock left by a
 * process that is gone (killed while holding it) is taken over. Synchronous: held only around a few
 * small file writes (the progress file, the class queue). Returns how to release it.
 */
export function tryLock(lockPath: string, waitMs: number): (() => void) | undefined {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (holderIsGone(lockPath)) {
        rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() >= deadline) return undefined;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/** The process that holds the lock, as its file says. */
export function lockHolder(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function holderIsGone(lockPath: string): boolean {
  const pid = lockHolder(lockPath);
  // Made but not yet written by its holder: not gone, unless it has stayed so for a while.
  if (pid === undefined) {
    try {
      return Date.now() - statSync(lockPath).mtimeMs > 2_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
