import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { cacheRoot } from '../runtime/paths.js';
import { onCodeCacheCheckpoint } from './code-cache-checkpoint.js';

type Lab = typeof import('./lab.js');

/**
 * Runs the bundle (dist/app/lab.cjs, one script: scripts/build.js) with V8's code cache: what V8
 * compiled on an earlier start (the script and every function that ran) is read back instead of
 * compiled again, which is most of what the interface's first frame costs once the files are few.
 * Node 20 caches nothing for modules of its own accord (its compile cache came in Node 22).
 *
 * A cache per command (what `lab check` runs is not what the interface runs), kept under
 * `$XDG_CACHE_HOME/dockerlab/code`, named by the bundle's size, time and inode (a new build is a new
 * name: V8's own check of a cache against its source looks at the source's length only) and Node's
 * version. V8 refuses a cache made by another V8 or with other flags; then, as when there is none,
 * the script compiles as usual and the cache is written for next time: when the interface has drawn
 * its first frame (code-cache-checkpoint.ts), shortly after start (a terminal closed on it sends no
 * exit), or on exit, whichever is first.
 * A cache that cannot be read or written only costs the next start its time.
 */
export function loadBundle(bundle: URL, args: string[]): Lab {
  const file = fileURLToPath(bundle);
  const source = readFileSync(file, 'utf8');
  const cacheFile = codeCacheFile(file, args);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet.
  }
  // The wrapper Node gives a CommonJS module, and the bundle's import.meta.url (scripts/build.js).
  const wrapper = `(function (exports, require, module, __filename, __dirname, __labImportMetaUrl) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} as Lab };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), bundle.href);
  if (cachedData === undefined || script.cachedDataRejected) saveLater(() => script.createCachedData(), cacheFile);
  return module.exports;
}

const SAVE_AFTER_MS = 1500;

function saveLater(make: () => Buffer, cacheFile: string): void {
  let saved = false;
  const save = () => {
    if (saved) return;
    saved = true;
    try {
      mkdirSync(dirname(cacheFile), { recursive: true });
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temporary, make());
      renameSync(temporary, cacheFile);
      // Caches of earlier builds are of no more use.
      const current = basename(cacheFile).replace(/^[a-z-]+-/, '');
      for (const name of readdirSync(dirname(cacheFile))) if (!name.endsWith(current)) rmSync(join(dirname(cacheFile), name), { force: true });
    } catch {
      // Not cached this time.
    }
  };
  onCodeCacheCheckpoint(save);
  setTimeout(save, SAVE_AFTER_MS).unref();
  process.once('exit', save);
}

/** The interface (no command) or the command's name: each runs its own part of the bundle. */
function codeCacheFile(file: string, args: string[]): string {
  const command = args.find((arg) => !arg.startsWith('-'));
  const kind = command === undefined ? 'interface' : /^[a-z][a-z-]{0,19}$/.test(command) ? command : 'other';
  const { size, mtimeMs, ino } = statSync(file);
  return join(cacheRoot(), 'code', `${kind}-${size}-${Math.round(mtimeMs)}-${ino}-${process.version}.bin`);
}
