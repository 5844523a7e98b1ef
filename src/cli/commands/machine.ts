import { UsageError, type ExitCode } from '../../errors.js';
import { createDockerMachineProvider, execaRunner, type CommandRunner } from '../../machines/docker-machine.js';
import { ENV_SHELLS, type EnvShell } from '../../machines/env.js';
import { createLabProvider } from '../../machines/lab-provider.js';
import { chooseProvider, dockerMachineMissing, findOnPath, PROVIDER_SUMMARY, type MachineProvider, type ProviderChoice, type ProviderIO } from '../../machines/provider.js';
import { machineNames, parsePublish, validateMachineName } from '../../machines/spec.js';
import type { CommandContext } from '../context.js';

/** `--provider lab|docker-machine`, on `lab machine` or any of its subcommands (else LAB_MACHINE_PROVIDER, else lab). */
export interface MachineProviderFlags {
  provider?: string;
}



/** What the commands need besides the context: the environment and a runner, both replaceable in tests. */
export interface MachineDeps {
  env?: NodeJS.ProcessEnv;
  run?: CommandRunner;
}

/** The provider to use, or exit 2 for an unknown name and exit 3 when docker-machine is chosen and not installed. */
export function machineProvider(ctx: CommandContext, flags: MachineProviderFlags, deps: MachineDeps = {}): { provider: MachineProvider; choice: ProviderChoice } {
  const env = deps.env ?? process.env;
  const choice = chooseProvider(flags.provider, env);
  if (choice.id === 'lab') return { provider: createLabProvider(() => ctx.docker()), choice };
  const path = findOnPath('docker-machine', env);
  if (!path) throw dockerMachineMissing(choice);
  return { provider: createDockerMachineProvider({ run: deps.run ?? execaRunner(env), path, env }), choice };
}

const providerIO = (ctx: CommandContext): ProviderIO => ({
  out: ctx.out,
  write: (text) => void process.stdout.write(text),
  writeError: (text) => void process.stderr.write(text),
  signal: ctx.signal,
});

export interface MachineCreateFlags extends MachineProviderFlags {
  count?: string;
  publish?: string[];
  driver?: string;
}

/** `lab machine create NAME [--count N]`: lab machines (docker-in-docker, each engine on 127.0.0.1) or docker-machine's. */
export async function machineCreateCommand(ctx: CommandContext, name: string, flags: MachineCreateFlags, deps: MachineDeps = {}): Promise<ExitCode> {
  const invalid = validateMachineName(name);
  if (invalid) throw new UsageError(invalid);
  let count: number | undefined;
  if (flags.count !== undefined) {
    count = Number(flags.count);
    if (!Number.isInteger(count) || count < 1 || count > 20) throw new UsageError(`--count must be a whole number from 1 to 20, not "${flags.count}".`);
  }
  const publish = (flags.publish ?? []).map((text) => {
    const parsed = parsePublish(text);
    if (typeof parsed === 'string') throw new UsageError(parsed);
    return parsed;
  });
  const { provider } = machineProvider(ctx, flags, deps);
  if (flags.driver !== undefined && provider.id !== 'docker-machine') throw new UsageError('--driver chooses a docker-machine driver: use it with --provider docker-machine.');
  await provider.create(machineNames(name, count), { publish, ...(flags.driver !== undefined ? { driver: flags.driver } : {}) }, providerIO(ctx));
  return 0;
}

/** `lab machine ls`: like `docker-machine ls`, then a line naming the provider. */
export async function machineLsCommand(ctx: CommandContext, flags: MachineProviderFlags = {}, deps: MachineDeps = {}): Promise<ExitCode> {
  const { provider } = machineProvider(ctx, flags, deps);
  const { header, rows: machines } = await provider.list();
  const rows = [header, ...machines];
  const widths = header.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  for (const row of rows) ctx.out.line(row.map((cell, col) => cell.padEnd(widths[col]!)).join('   ').trimEnd());
  ctx.out.line(ctx.out.dim(`provider: ${provider.id} (${provider.summary})`));
  return 0;
}

export interface MachineEnvFlags extends MachineProviderFlags {
  shell?: string;
  unset?: boolean;
}

/** `lab machine env NAME [--shell bash|fish|powershell] [--unset]`: what `docker-machine env` prints. */
export async function machineEnvCommand(ctx: CommandContext, name: string | undefined, flags: MachineEnvFlags, deps: MachineDeps = {}): Promise<ExitCode> {
  const shell = (flags.shell ?? 'bash') as EnvShell;
  if (!ENV_SHELLS.includes(shell)) throw new UsageError(`Unknown shell "${flags.shell}".`, `Choose one of: ${ENV_SHELLS.join(', ')}.`);
  if (!flags.unset && !name) throw new UsageError('Name the machine: `lab machine env NAME`.');
  const { provider } = machineProvider(ctx, flags, deps);
  process.stdout.write((await provider.env(name, shell, Boolean(flags.unset))).text);
  return 0;
}

/**
 * `lab machine ssh NAME [cmd…]`: a shell on the machine, as `docker-machine ssh` gives (for a lab
 * machine, `docker exec`: it is a container here). The command is printed first.
 */
export async function machineSshCommand(ctx: CommandContext, name: string, command: string[], flags: MachineProviderFlags = {}, deps: MachineDeps = {}): Promise<ExitCode> {
  const { provider } = machineProvider(ctx, flags, deps);
  const code = await provider.ssh(name, command, providerIO(ctx));
  return code === 0 ? 0 : 1;
}

/** `lab machine ip NAME`: the machine's address, as `docker-machine ip` prints it. */
export async function machineIpCommand(ctx: CommandContext, name: string, flags: MachineProviderFlags = {}, deps: MachineDeps = {}): Promise<ExitCode> {
  const { provider } = machineProvider(ctx, flags, deps);
  process.stdout.write(`${await provider.ip(name)}\n`);
  return 0;
}

/** `lab machine rm NAME…|--all`: lab machines by label only; docker-machine's with `docker-machine rm -y`. */
export async function machineRmCommand(ctx: CommandContext, names: string[], flags: { all?: boolean } & MachineProviderFlags, deps: MachineDeps = {}): Promise<ExitCode> {
  if (flags.all && names.length > 0) throw new UsageError('Give machine names or --all, not both.');
  if (!flags.all && names.length === 0) throw new UsageError('Name the machines to remove, or give --all.');
  const { provider } = machineProvider(ctx, flags, deps);
  await provider.remove(flags.all ? { all: true } : { names }, providerIO(ctx));
  return 0;
}

/** `lab machine provider`: which provider `lab machine` uses and why, and whether docker-machine is there to choose. */
export async function machineProviderCommand(ctx: CommandContext, flags: MachineProviderFlags = {}, deps: MachineDeps = {}): Promise<ExitCode> {
  const env = deps.env ?? process.env;
  const { provider, choice } = machineProvider(ctx, flags, deps);
  ctx.out.line(`provider: ${provider.id} (${provider.summary})`);
  ctx.out.line(`because: ${choice.why}`);
  if (provider.id === 'lab') {
    const path = findOnPath('docker-machine', env);
    ctx.out.line(
      path
        ? `docker-machine: ${path} (choose it with --provider docker-machine or LAB_MACHINE_PROVIDER=docker-machine)`
        : `docker-machine: not on PATH (the other provider: ${PROVIDER_SUMMARY['docker-machine']})`,
    );
  }
  return 0;
}
