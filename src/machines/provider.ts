import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EnvironmentError, UsageError } from '../errors.js';
import type { EnvShell } from './env.js';
import type { PublishedPort } from './spec.js';

/**
 * Who makes and addresses the machines of `lab machine`: the lab itself (docker-in-docker
 * containers on this engine, the default) or the real `docker-machine` CLI where one is installed.
 * Every `lab machine` subcommand is one operation of a provider.
 */
export type ProviderId = 'lab' | 'docker-machine';
export const PROVIDER_IDS: readonly ProviderId[] = ['lab', 'docker-machine'];
export const PROVIDER_ENV = 'LAB_MACHINE_PROVIDER';

/** What a provider prints with: the CLI's Output fits it. */
export interface MachineOutput {
  readonly interactive: boolean;
  line(text?: string): void;
  error(text: string): void;
  dim(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

export interface ProviderIO {
  out: MachineOutput;
  /** Output passed through as it comes (a child's stdout). */
  write(text: string): void;
  /** Its stderr, likewise. */
  writeError(text: string): void;
  signal?: AbortSignal;
}

export interface CreateOptions {
  /** lab only: ports of the machine published on 127.0.0.1. */
  publish: PublishedPort[];
  /** docker-machine only: `-d DRIVER`. */
  driver?: string;
}

/** `lab machine ls`: a header and rows, printed as an aligned table. */
export interface MachineTable {
  header: string[];
  rows: string[][];
}

/** What `lab machine env` prints (to be eval'd), and the variables it sets or unsets. */
export interface MachineEnv {
  text: string;
  set: Record<string, string>;
  unset: string[];
}

export type RemoveTarget = { names: string[] } | { all: true };

export interface MachineProvider {
  readonly id: ProviderId;
  /** One line for `lab machine ls` and `lab machine provider`: what its machines are. */
  readonly summary: string;
  /** Creates the named machines and waits until each engine answers; prints its progress. */
  create(names: string[], options: CreateOptions, io: ProviderIO): Promise<void>;
  list(): Promise<MachineTable>;
  /** The commands that point `docker` at the machine, or with `unset` (and no name) undo it. */
  env(name: string | undefined, shell: EnvShell, unset: boolean): Promise<MachineEnv>;
  ip(name: string): Promise<string>;
  /** A shell or command on the machine with this terminal; resolves with its exit code. */
  ssh(name: string, command: string[], io: ProviderIO): Promise<number>;
  /** Removes the machines; prints what it removed. */
  remove(target: RemoveTarget, io: ProviderIO): Promise<void>;
}

/** The provider in use and why: for `lab machine provider`, so a lesson can show it. */
export interface ProviderChoice {
  id: ProviderId;
  source: 'flag' | 'env' | 'default';
  why: string;
}

export const PROVIDER_SUMMARY: Record<ProviderId, string> = {
  lab: 'docker-in-docker containers on this engine',
  'docker-machine': 'the docker-machine CLI: a VM or cloud host per machine, made by its driver',
};

/** `--provider` wins, then LAB_MACHINE_PROVIDER, then `lab`. A name that is neither is bad input (exit 2). */
export function chooseProvider(flag: string | undefined, env: NodeJS.ProcessEnv): ProviderChoice {
  const check = (value: string, from: string): ProviderId => {
    if ((PROVIDER_IDS as readonly string[]).includes(value)) return value as ProviderId;
    throw new UsageError(`${from} names no machine provider: "${value}".`, `Choose one of: ${PROVIDER_IDS.join(', ')}.`);
  };
  if (flag !== undefined) return { id: check(flag, '--provider'), source: 'flag', why: `--provider ${flag} was given` };
  const fromEnv = env[PROVIDER_ENV];
  if (fromEnv) return { id: check(fromEnv, PROVIDER_ENV), source: 'env', why: `${PROVIDER_ENV}=${fromEnv} is set` };
  return { id: 'lab', source: 'default', why: `the default: no --provider was given and ${PROVIDER_ENV} is not set` };
}

/** The first executable file called `command` on PATH, as a shell would find it; undefined when there is none. */
export function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Chose docker-machine, and there is none: exit 3, saying how to get it or go back to the lab's own machines. */
export function dockerMachineMissing(choice: ProviderChoice): EnvironmentError {
  return new EnvironmentError(
    `The docker-machine provider needs the \`docker-machine\` command, and there is none on PATH (chosen because ${choice.why}).`,
    'Install it: download docker-machine-$(uname -s)-$(uname -m) from https://github.com/docker/machine/releases (v0.16.2 is the last release) and `install` it as /usr/local/bin/docker-machine; its drivers need their own tools (VirtualBox for the default one). ' +
      `Or use the lab's own machines: drop --provider${choice.source === 'env' ? ` and unset ${PROVIDER_ENV}` : ''}.`,
  );
}

