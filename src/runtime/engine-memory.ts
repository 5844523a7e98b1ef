import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../progress/store.js';
import { ENGINE_VARIABLES, labEnvironment } from './endpoint.js';

/**
 * After `eval $(lab machine env web)` the shell's DOCKER_* variables point at the machine; the lab
 * keeps to the engine the machine lives on. That is the default engine unless the lab itself was
 * pointed elsewhere (a remote DOCKER_HOST): so `lab machine env` writes down the lab's own engine
 * beside the machine's certificates, and the lab reads it back while DOCKER_MACHINE_NAME names it.
 */
const fileOf = (machine: string, env: NodeJS.ProcessEnv): string => join(stateDir(env), 'machines', machine, 'lab-engine.json');

/** The lab's environment: the shell's, with the lab's own engine in place of a machine's. */
export function ownEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return labEnvironment(env, (machine) => recall(machine, env));
}

/** Written by `lab machine env NAME`, into the folder its certificates are in (removed with them). */
export function rememberLabEngine(machine: string, env: NodeJS.ProcessEnv = process.env): void {
  const own = ownEnvironment(env);
  const variables = Object.fromEntries(ENGINE_VARIABLES.flatMap((name) => (own[name] ? [[name, own[name]!]] : [])));
  writeFileSync(fileOf(machine, env), `${JSON.stringify(variables)}\n`, { mode: 0o600 });
}

function recall(machine: string, env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  try {
    const parsed = JSON.parse(readFileSync(fileOf(machine, env), 'utf8')) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => (ENGINE_VARIABLES as readonly string[]).includes(entry[0]) && typeof entry[1] === 'string'));
  } catch {
    return undefined;
  }
}
