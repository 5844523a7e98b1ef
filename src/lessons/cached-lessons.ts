import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheRoot, packageRoot } from '../runtime/paths.js';
import { dockerRepository } from '../runtime/repository.js';
import type { Lessons } from './types.js';

/**
 * The lessons as the loader makes them, from a cache when neither the lesson files nor the loader
 * have changed since. Parsing YAML and checking it with zod cost about 200 ms of every `lab` command
 * that reads the lessons; reading and hashing the files costs a few. The cache is keyed by the
 * content of every file the loader would read, the loader's own modules, the folder and the working
 * directory (stages name their folder relative to it), so a stale entry can never be used; on a miss
 * the loader runs (its errors are the learner's, as ever) and the result is written for next time.
 */
export async function loadLessonsCached(dir: string, cacheDir = join(cacheRoot(), 'lessons'), repository = dockerRepository()): Promise<Lessons> {
  const key = cacheKey(dir, repository);
  const file = key ? join(cacheDir, `${key}.json`) : undefined;
  if (file && existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Lessons;
    } catch {
      // Unreadable: made again below.
    }
  }
  const { loadLessons } = await import('./load.js');
  const lessons = loadLessons(dir, repository);
  if (file) remember(cacheDir, file, lessons);
  return lessons;
}

/** The lesson files' names (what the loader reads) in the folders it loads. */
const LESSON_FILES = ['stage.yaml', 'lesson.md', 'notes.md', 'walkthrough.md', 'challenge.md', 'challenge.solution.sh'];
const FOLDER = /^\d+-[a-z0-9-]+$/;
/** The loader and what shapes its result: a change to any of them is a new cache key. */
const LOADER_MODULES = ['load', 'schema', 'steps', 'predictions', 'walkthrough', 'graph', '../runtime/image-catalog', '../runtime/repository'];
/** Each check kind declares its lesson line in its own module there. */
const CHECKS_FOLDER = '../checks/';

/** Undefined when the folder cannot be read: the loader then says why. */
function cacheKey(dir: string, repository: string): string | undefined {
  try {
    const hash = createHash('sha256');
    const add = (label: string, path: string) => {
      if (!existsSync(path)) return;
      hash.update(`\0${label}\0`);
      hash.update(readFileSync(path));
    };
    hash.update(`${resolve(dir)}\0${process.cwd()}\0${repository}`);
    for (const module of LOADER_MODULES) add(`module:${module}`, join(compiled(), 'lessons', `${module}${extension()}`));
    const checks = join(compiled(), 'lessons', CHECKS_FOLDER);
    for (const name of readdirSync(checks).filter((file) => file.endsWith(extension())).sort()) add(`checks:${name}`, join(checks, name));
    add('track.yaml', join(dir, 'track.yaml'));
    const folders = readdirSync(dir).filter((name) => FOLDER.test(name) && statSync(join(dir, name)).isDirectory()).sort();
    for (const folder of folders) for (const name of LESSON_FILES) add(`${folder}/${name}`, join(dir, folder, name));
    hash.update(`\0folders\0${folders.join('\0')}`);
    return hash.digest('hex').slice(0, 32);
  } catch {
    return undefined;
  }
}

/** `.js` when running from dist/, `.ts` from the sources (tests). */
const extension = (): string => (import.meta.url.endsWith('.ts') ? '.ts' : '.js');
/**
 * Where the loader's modules are as files: src/ for the sources, else dist/, also when this runs from
 * the bundle (dist/app/, built from dist/ in the same build), where they are not files of their own.
 */
const compiled = (): string => join(packageRoot, extension() === '.ts' ? 'src' : 'dist');

/** Best effort: a cache that cannot be written (a read-only home) only costs the next start its time. */
function remember(cacheDir: string, file: string, lessons: Lessons): void {
  try {
    mkdirSync(cacheDir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(lessons));
    renameSync(temporary, file);
    // Keep the eight newest: enough for a few checkouts and working folders, never a growing pile.
    const entries = readdirSync(cacheDir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => ({ path: join(cacheDir, name), mtime: statSync(join(cacheDir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const old of entries.slice(8)) rmSync(old.path, { force: true });
  } catch {
    // Not cached this time.
  }
}
