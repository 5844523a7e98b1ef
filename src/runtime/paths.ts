import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding lessons/, dockerfiles/ and example-service/ (the same from src/ and dist/). */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

/** `$XDG_CACHE_HOME/dockerlab`, else `~/.cache/dockerlab`: what the lab can make again. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return join(env['XDG_CACHE_HOME'] || join(home, '.cache'), 'dockerlab');
}
