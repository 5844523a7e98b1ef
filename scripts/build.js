#!/usr/bin/env node
/**
 * Compiles src/ into dist/ (tsc -p tsconfig.build.json), bundles the compiled lab into dist/app/
 * (esbuild; see bundle() below) and stamps dist/.built. With --if-stale it builds only when a source
 * file, a tsconfig or package.json is newer than the stamp, so `npm start` starts at once when the
 * build is current.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.built');

function newest(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

if (process.argv.includes('--if-stale') && existsSync(stamp)) {
  const sources = Math.max(...['src', 'types', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((name) => newest(join(root, name))));
  if (statSync(stamp).mtimeMs >= sources) process.exit(0);
}
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
// The class board is plain HTML, CSS and JavaScript, served as written.
cpSync(join(root, 'src', 'class', 'board'), join(root, 'dist', 'class', 'board'), { recursive: true });
await bundle();
writeFileSync(stamp, `${new Date().toISOString()}\n`);

/**
 * The compiled lab as one script, dist/app/lab.cjs, that src/cli/main.ts runs with V8's code cache
 * (src/cli/script-bundle.ts): Node 20 caches compiled code for no module, and compiling the
 * interface's code (ink, React, the lab's own) was most of its first frame. A script, not a module, so
 * V8 can cache it; lazy imports stay lazy inside it (esbuild runs a module's body when first imported).
 * dist/app/ sits as deep as dist/cli/, and import.meta.url is the bundle's own (the loader passes it
 * in), so paths made from it (the package root) are the same. React's production build is chosen here
 * (NODE_ENV). A script cannot wait at its top level, which two modules ink loads do: yoga-layout (for
 * its WebAssembly: ink gets the same engine from src/tui/yoga.ts, made ready before the first render)
 * and ink's reconciler, for React's developer tools only (DEV=true), which the bundle leaves out as it
 * did before. Left out, and loaded from node_modules as usual: dockerode and what it loads (CommonJS
 * that reads files beside itself), and better-sqlite3 (a native addon). If esbuild cannot make the bundle, the lab runs unbundled.
 */
async function bundle() {
  const out = join(root, 'dist', 'app');
  rmSync(out, { recursive: true, force: true });
  try {
    const { build } = await import('esbuild');
    await build({
      entryPoints: { lab: join(root, 'dist', 'cli', 'lab.js') },
      outdir: out,
      outExtension: { '.js': '.cjs' },
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      minify: true,
      define: { 'process.env.NODE_ENV': '"production"', 'import.meta.url': '__labImportMetaUrl' },
      external: ['better-sqlite3', 'dockerode', 'docker-modem', 'ssh2', 'cpu-features', 'react-devtools-core', 'ws'],
      plugins: [inkWithoutTopLevelWaits()],
      logLevel: 'error',
    });
  } catch (error) {
    rmSync(out, { recursive: true, force: true });
    console.warn(`build: the lab runs unbundled, slower to start (esbuild: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
}

/** The two top-level waits in what ink loads, undone (see bundle()); fails the bundle if ink changed. */
function inkWithoutTopLevelWaits() {
  return { name: 'ink-without-top-level-waits', setup };
}

function setup(build) {
  build.onResolve({ filter: /^yoga-layout$/ }, () => ({ path: join(root, 'dist', 'tui', 'yoga.js') }));
  build.onResolve({ filter: /^highlight\.js$/ }, () => ({ path: join(root, 'scripts', 'highlight-languages.cjs') }));
  build.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, async ({ path }) => {
    const { readFile } = await import('node:fs/promises');
    let contents = await readFile(path, 'utf8');
    const replace = (from, to) => {
      if (contents.split(from).length !== 2) throw new Error(`ink's reconciler changed: '${from}' is not there once`);
      contents = contents.replace(from, to);
    };
    // With DEV=true ink says the developer tools are not installed, as it does without react-devtools-core.
    replace("await import('./devtools.js')", "(() => { throw Object.assign(new Error('not bundled'), { code: 'ERR_MODULE_NOT_FOUND' }); })()");
    replace('? await loadPackageJson()', '? { name: undefined, version: undefined }');
    return { contents, loader: 'js' };
  });
}
