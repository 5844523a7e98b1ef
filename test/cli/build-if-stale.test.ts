import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  const lab = (args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): string =>
    execFileSync(process.execPath, [...nodeArgs, join(root, 'dist', 'cli', 'main.js'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });

  it('is made by the build, and `lab` runs from it: past its loader, no compiled module of the lab is loaded', () => {
    buildIfStale();
    expect(existsSync(join(root, 'dist', 'app', 'lab.cjs'))).toBe(true);
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
    rmSync(trace, { force: true });
    expect(lab(['list'], {}, ['--import', register])).toContain('single-host');
    const loaded = readFileSync(trace, 'utf8').trim().split('\n').map((url) => url.replace(/^.*\/dist\//, ''));
    rmSync(trace, { force: true });
    expect(loaded).toEqual(['cli/main.js', 'cli/script-bundle.js', 'runtime/paths.js', 'cli/code-cache-checkpoint.js']);
  }, 120_000);

  it("runs with V8's code cache: written on the first run of a command, used as it is on the next, made again when unusable", () => {
    buildIfStale();
    const cacheHome = mkdtempSync(join(tmpdir(), 'lab-code-cache-'));
    try {
      const env = { XDG_CACHE_HOME: cacheHome };
      const caches = () => readdirSync(join(cacheHome, 'dockerlab', 'code')).filter((name) => name.startsWith('list-'));
      expect(lab(['list'], env)).toContain('single-host');
      expect(caches()).toHaveLength(1);
      const cache = join(cacheHome, 'dockerlab', 'code', caches()[0]!);
      const written = readFileSync(cache);
      expect(written.length).toBeGreaterThan(10_000);
      expect(lab(['list'], env)).toContain('single-host');
      expect(readFileSync(cache).equals(written)).toBe(true);
      // Not V8's: refused, the lab runs as without one, and writes a good cache in its place.
      writeFileSync(cache, 'not a code cache');
      expect(lab(['list'], env)).toContain('single-host');
      expect(readFileSync(cache).equals(written)).toBe(false);
      expect(readFileSync(cache).length).toBeGreaterThan(10_000);
    } finally {
      rmSync(cacheHome, { recursive: true, force: true });
    }
  }, 120_000);
});
