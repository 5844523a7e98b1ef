import { rmSync } from 'node:fs';

/** Removes the run's temporary directory (global-setup made it and pointed TMPDIR at it). */
export default function globalTeardown(): void {
  const dir = process.env.LAB_TEST_TMPDIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
