#!/usr/bin/env node
/**
 * Compiles src/ into dist/ (tsc -p tsconfig.build.json) and stamps dist/.built. With --if-stale it
 * compiles only when a source file, a tsconfig or package.json is newer than the stamp, so
 * `npm start` starts at once when the build is current.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
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
writeFileSync(stamp, `${new Date().toISOString()}\n`);
