import { execa } from 'execa';
import { EnvironmentError, UsageError } from '../errors.js';
import { seconds } from '../format.js';
import { shellWord } from '../runtime/container-spec.js';
import { dockerMachineFailure, LS_FORMAT, parseEnv, parseIp, parseLsFormat, parseLsQuiet, parseLsTable, parseRm, type DockerMachineHost } from './docker-machine-parse.js';
import { PROVIDER_SUMMARY, type MachineProvider, type MachineTable, type ProviderIO } from './provider.js';
import { LABEL_MANAGED, MANAGED_FILTER, LABEL_MACHINE } from '../runtime/names.js';

/**
 * The docker-machine provider: `lab machine` runs the real `docker-machine create/ls/env/ip/ssh/rm`
 * and reads what it prints (docker-machine-parse.ts). The commands go through an injected runner,
 * so tests replay docker-machine's recorded output instead of needing it installed.
 */

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Pass the terminal through (ssh): nothing is captured. */
  inherit?: boolean;
  /** Output as it arrives, besides being captured. */
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
  signal?: AbortSignal;
}

/** Runs `file args…` without a shell; never rejects for a non-zero exit. */
export type CommandRunner = (file: string, args: string[], options?: RunOptions) => Promise<RunResult>;

export const DOCKER_MACHINE = 'docker-machine';

/** docker-machine's own default driver (`--driver, -d`: "virtualbox", or $MACHINE_DRIVER; commands/create.go). */
export const DEFAULT_DRIVER = 'virtualbox';

/** The real runner: execa, with this process's environment (docker-machine reads MACHINE_STORAGE_PATH, DOCKER_HOST…). */
export function execaRunner(env: NodeJS.ProcessEnv = process.env): CommandRunner {
  return async (file, args, options = {}) => {
    const child = execa(file, args, {
      env,
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      ...(options.signal ? { cancelSignal: options.signal } : {}),
      ...(options.inherit ? { stdio: 'inherit' as const } : { stdin: 'ignore' as const }),
    });
    if (!options.inherit) {
      child.stdout?.on('data', (chunk: Buffer) => options.onStdout?.(chunk.toString('utf8')));
      child.stderr?.on('data', (chunk: Buffer) => options.onStderr?.(chunk.toString('utf8')));
    }
    const result = await child;
    if (result.failed && result.exitCode === undefined && !result.isCanceled) {
      throw new EnvironmentError(`Could not run ${file}: ${result.shortMessage}`, 'Check that docker-machine is installed and executable (`docker-machine version`).');
    }
    return { exitCode: result.exitCode ?? 1, stdout: typeof result.stdout === 'string' ? result.stdout : '', stderr: typeof result.stderr === 'string' ? result.stderr : '' };
  };
}

export interface DockerMachineProviderOptions {
  run: CommandRunner;
  /** Where docker-machine was found on PATH, for `lab machine provider`. It is run by name, as the learner would. */
  path: string;
  env?: NodeJS.ProcessEnv;
}

/** The lab's label on engines it made, so `rm --all` removes those and never a machine of your own. */
export const MANAGED_ENGINE_LABEL = MANAGED_FILTER;

/** The command line as the learner would type it. */
export const commandLine = (args: string[]): string => [DOCKER_MACHINE, ...args.map(shellWord)].join(' ');

/** `docker-machine ls` as a table: the lab's columns, docker-machine's values. */
export function hostsTable(hosts: DockerMachineHost[]): MachineTable {
  return {
    header: ['NAME', 'ACTIVE', 'DRIVER', 'STATE', 'URL', 'DOCKER', 'ERRORS'],
    rows: hosts.map((h) => [h.name, h.active, h.driver, h.state, h.url, h.docker, h.error]),
  };
}

export function createDockerMachineProvider({ run, path, env = process.env }: DockerMachineProviderOptions): MachineProvider {
  /** Runs one command and returns its stdout; a failure becomes a lab error carrying docker-machine's words. */
  const capture = async (args: string[]): Promise<string> => {
    const result = await run(DOCKER_MACHINE, args);
    if (result.exitCode !== 0) throw dockerMachineFailure(commandLine(args), result);
    return result.stdout;
  };
  /** Runs one command with its output passed through as it comes, after printing the command. */
  const relay = async (args: string[], io: ProviderIO): Promise<string> => {
    io.out.line(io.out.dim(`$ ${commandLine(args)}`));
    const result = await run(DOCKER_MACHINE, args, { onStdout: io.write, onStderr: io.writeError, ...(io.signal ? { signal: io.signal } : {}) });
    if (result.exitCode !== 0) throw dockerMachineFailure(commandLine(args), result);
    return result.stdout;
  };

  return {
    id: 'docker-machine',
    summary: PROVIDER_SUMMARY['docker-machine'].replace('the docker-machine CLI', `the docker-machine CLI at ${path}`),

    /** `docker-machine create -d DRIVER NAME`, one machine after another, labelled as the lab's. */
    async create(names, { publish, driver }, io) {
      if (publish.length > 0) throw new UsageError('--publish is for the lab\'s own machines: a docker-machine machine has an address of its own.', 'Reach its ports at `lab machine ip NAME` (or `docker-machine ip NAME`).');
      const chosen = driver ?? (env.MACHINE_DRIVER || DEFAULT_DRIVER);
      const started = Date.now();
      for (const name of names) {
        await relay(['create', '-d', chosen, '--engine-label', `${LABEL_MANAGED}=true`, '--engine-label', `${LABEL_MACHINE}=${name}`, name], io);
      }
      io.out.line(`Created ${names.length} docker-machine machine${names.length === 1 ? '' : 's'} (driver ${chosen}) in ${seconds(Date.now() - started)}. Address one with: eval $(docker-machine env ${names[0]!})`);
    },

    /**
     * `docker-machine ls --format …`, one tab-separated line a machine. A docker-machine older than
     * --format (0.6) says "flag provided but not defined"; then its default table is read instead.
     */
    async list() {
      const args = ['ls', '--format', LS_FORMAT];
      const result = await run(DOCKER_MACHINE, args);
      if (result.exitCode === 0) return hostsTable(parseLsFormat(result.stdout));
      if (!/flag provided but not defined/.test(result.stderr + result.stdout)) throw dockerMachineFailure(commandLine(args), result);
      return hostsTable(parseLsTable(await capture(['ls'])));
    },

    /** What `docker-machine env --shell SHELL NAME` prints, unchanged; parsed to check it points somewhere. */
    async env(name, shell, unset) {
      const text = await capture(['env', '--shell', shell, ...(unset ? ['--unset'] : [name ?? ''])]);
      return { text, ...parseEnv(text, shell) };
    },

    async ip(name) {
      return parseIp(await capture(['ip', name]));
    },

    /** `docker-machine ssh NAME [cmd…]` with this terminal. */
    async ssh(name, command, io) {
      const args = ['ssh', name, ...command];
      io.writeError(io.out.dim(`$ ${commandLine(args)}\n`));
      return (await run(DOCKER_MACHINE, args, { inherit: true, ...(io.signal ? { signal: io.signal } : {}) })).exitCode;
    },

    /**
     * `docker-machine rm -y NAME…`. With --all, only the machines the lab created (their engine
     * carries the lab's label), found with `docker-machine ls --quiet --filter label=…`.
     */
    async remove(target, io) {
      const names = 'all' in target ? parseLsQuiet(await capture(['ls', '--quiet', '--filter', `label=${MANAGED_ENGINE_LABEL}`])) : target.names;
      if (names.length === 0) {
        io.out.line(`Removed no docker-machine machines: none carries the engine label ${MANAGED_ENGINE_LABEL} that \`lab machine create\` gives.`);
        return;
      }
      const removed = parseRm(await relay(['rm', '-y', ...names], io));
      io.out.line(`Removed ${removed.length} docker-machine machine${removed.length === 1 ? '' : 's'}${removed.length ? ` (${removed.join(', ')})` : ''}.`);
      const missing = names.filter((n) => !removed.includes(n));
      if (missing.length > 0) io.out.line(io.out.yellow(`docker-machine did not say it removed: ${missing.join(', ')}`));
    },
  };
}
