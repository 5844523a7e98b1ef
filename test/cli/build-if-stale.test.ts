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

describe('the bundle', () => {
  it('is made by the build, and `lab` runs from it: the lab loads a few chunks, none of its compiled modules', () => {
    buildIfStale();
    const trace = join(root, 'dist', '.load-trace');
    // A resolve hook that writes down each module the lab loads from dist/.
    const hook = `data:text/javascript,${encodeURIComponent(`
      import { appendFileSync } from 'node:fs';
      export async function resolve(specifier, context, next) {
        const result = await next(specifier, context);
        if (result.url.includes('/dist/')) appendFileSync(${JSON.stringify(trace)}, result.url + '\\n');
        return result;
      }`)}`;
    const register = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(hook)});`)}`;
    execFileSync('rm', ['-f', trace]);
    const listed = execFileSync(process.execPath, ['--import', register, join(root, 'dist', 'cli', 'main.js'), 'list'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(listed).toContain('single-host');
    const loaded = execFileSync('cat', [trace], { encoding: 'utf8' }).trim().split('\n');
    execFileSync('rm', ['-f', trace]);
    expect(loaded[0]).toMatch(/\/dist\/cli\/main\.js$/);
    expect(loaded.slice(1).every((url) => url.includes('/dist/app/'))).toBe(true);
    expect(loaded.some((url) => url.endsWith('/dist/app/lab.js'))).toBe(true);
  }, 120_000);
});
