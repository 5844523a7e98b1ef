#!/usr/bin/env node
/**
 * Compiles src/ into dist/ (tsc -p tsconfig.build.json), bundles the compiled lab into dist/app/
 * (esbuild; see bundle() below) and stamps dist/.built. With --if-stale it builds only when a source
 * file, a tsconfig or package.json is newer than the stamp, so `npm start` starts at once when the
 * build is current.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
await bundle();
writeFileSync(stamp, `${new Date().toISOString()}\n`);

/**
 * The compiled lab as a few files: the program, and a chunk per command and for the interface, each
 * loaded when needed (code splitting keeps the lazy imports lazy). Node resolves and reads some five
 * hundred modules for the interface otherwise, which cost most of its first frame. dist/app/ sits
 * as deep as dist/cli/, so paths made from import.meta.url (the package root) are the same.
 * React's production build is chosen here (NODE_ENV). Left out, and loaded from node_modules as
 * usual: dockerode and what it loads (CommonJS that reads files beside itself), and ink's developer
 * tools (only with DEV=true). If esbuild cannot run here, the lab runs unbundled (src/cli/main.ts).
 */
async function bundle() {
  const out = join(root, 'dist', 'app');
  rmSync(out, { recursive: true, force: true });
  try {
    const { build } = await import('esbuild');
    await build({
      entryPoints: { lab: join(root, 'dist', 'cli', 'lab.js') },
      outdir: out,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      minify: true,
      keepNames: false,
      define: { 'process.env.NODE_ENV': '"production"' },
      external: ['dockerode', 'docker-modem', 'ssh2', 'cpu-features', 'react-devtools-core', 'ws'],
      // CommonJS modules bundled into ESM still call require() for Node's own modules.
      banner: { js: "import { createRequire as __labRequire } from 'node:module'; const require = __labRequire(import.meta.url);" },
      logLevel: 'error',
    });
  } catch (error) {
    rmSync(out, { recursive: true, force: true });
    console.warn(`build: the lab runs unbundled, slower to start (esbuild: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
}
