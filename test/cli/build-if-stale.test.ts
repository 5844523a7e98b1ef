import { execFileSync } from 'node:child_process';
import { statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

// `npm start` runs `node scripts/build.js --if-stale`: no compile when dist/ is current, one when a
// source changed. The stamp dist/.built tells which happened.
const root = process.cwd();
const stamp = join(root, 'dist', '.built');
const buildIfStale = (): void => void execFileSync(process.execPath, [join(root, 'scripts', 'build.js'), '--if-stale'], { stdio: 'ignore', timeout: 120_000 });

describe('npm start builds only when the build is stale', () => {
  it('does not compile again when dist/ is newer than every source', () => {
    buildIfStale();
    const before = statSync(stamp).mtimeMs;
    buildIfStale();
    expect(statSync(stamp).mtimeMs).toBe(before);
  }, 120_000);

  it('compiles when a source file is newer than the last build', () => {
    const source = join(root, 'src', 'format.ts');
    const before = statSync(stamp).mtimeMs;
    const later = new Date(before + 1);
    utimesSync(source, later, later);
    buildIfStale();
    expect(statSync(stamp).mtimeMs).toBeGreaterThan(before);
  }, 120_000);
});
