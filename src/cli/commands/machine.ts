import { spawn } from 'node:child_process';
import { EnvironmentError, UsageError, type ExitCode } from '../../errors.js';
import { ENV_SHELLS, envLines, type EnvShell } from '../../machines/env.js';
import { createCommands, createMachines, engineVersion, findMachine, listMachines, planCreate, removeMachines, waitForEngines } from '../../machines/manage.js';
import { shellWord } from '../../runtime/container-spec.js';
import { containerName, dockerHostUrl, machineNames, validateMachineName } from '../../machines/spec.js';
import type { CommandContext } from '../context.js';
import { seconds } from '../print-activity.js';

export interface MachineCreateFlags {
  count?: string;
}

/** `lab machine create NAME [--count N]`: docker-in-docker hosts, each its own engine on 127.0.0.1. */
export async function machineCreateCommand(ctx: CommandContext, name: string, flags: MachineCreateFlags): Promise<ExitCode> {
  const invalid = validateMachineName(name);
  if (invalid) throw new UsageError(invalid);
  let count: number | undefined;
  if (flags.count !== undefined) {
    count = Number(flags.count);
    if (!Number.isInteger(count) || count < 1 || count > 20) throw new UsageError(`--count must be a whole number from 1 to 20, not "${flags.count}".`);
  }
  const docker = ctx.docker();
  const planned = await planCreate(docker, machineNames(name, count));
  const started = Date.now();
  for (const machine of planned) for (const line of createCommands(machine.name, machine.port)) ctx.out.line(ctx.out.dim(`$ ${line}`));
  await createMachines(docker, planned);
  let last = '';
  const ready = await waitForEngines(docker, planned, {
    signal: ctx.signal,
    onProgress: (done, total, elapsedMs) => {
      const line = `waiting for the engines: ${done}/${total} answer GET /_ping`;
      if (ctx.out.interactive) process.stdout.write(`\r${line} (${seconds(elapsedMs)})   `);
      else if (line !== last) ctx.out.line(line);
      last = line;
    },
  }).finally(() => {
    if (ctx.out.interactive) process.stdout.write('\n');
  });
  for (const machine of planned) {
    ctx.out.line(ctx.out.green(`${machine.name}: engine on ${dockerHostUrl(machine)}, answered ${seconds(ready.get(machine.name) ?? 0)} after start`));
  }
  ctx.out.line(`Created ${planned.length} machine${planned.length === 1 ? '' : 's'} in ${seconds(Date.now() - started)}. Address one with: eval $(lab machine env ${planned[0]!.name})`);
  return 0;
}

/** `lab machine ls`: like `docker-machine ls` (ACTIVE is the one DOCKER_HOST points at). */
export async function machineLsCommand(ctx: CommandContext): Promise<ExitCode> {
  const docker = ctx.docker();
  await docker.ping();
  const machines = await listMachines(docker);
  const versions = await Promise.all(machines.map((m) => (m.running && m.port ? engineVersion(m.port) : Promise.resolve(undefined))));
  const rows = [
    ['NAME', 'ACTIVE', 'STATE', 'URL', 'DOCKER'],
    ...machines.map((m, i) => [m.name, process.env.DOCKER_HOST === dockerHostUrl(m) ? '*' : '-', m.state, m.port ? dockerHostUrl(m) : '', versions[i] ?? (m.running ? 'Unknown' : '')]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  for (const row of rows) ctx.out.line(row.map((cell, col) => cell.padEnd(widths[col]!)).join('   ').trimEnd());
  return 0;
}

export interface MachineEnvFlags {
  shell?: string;
  unset?: boolean;
}

/** `lab machine env NAME [--shell bash|fish|powershell] [--unset]`: what `docker-machine env` prints. */
export async function machineEnvCommand(ctx: CommandContext, name: string | undefined, flags: MachineEnvFlags): Promise<ExitCode> {
  const shell = (flags.shell ?? 'bash') as EnvShell;
  if (!ENV_SHELLS.includes(shell)) throw new UsageError(`Unknown shell "${flags.shell}".`, `Choose one of: ${ENV_SHELLS.join(', ')}.`);
  if (flags.unset) {
    process.stdout.write(envLines({ name: name ?? '', port: 0 }, shell, true));
    return 0;
  }
  if (!name) throw new UsageError('Name the machine: `lab machine env NAME`.');
  const docker = ctx.docker();
  await docker.ping();
  const machine = findMachine(await listMachines(docker), name);
  if (!machine.running || !machine.port) throw new EnvironmentError(`The machine "${name}" is ${machine.state}.`, `Start it with \`docker start ${containerName(name)}\`.`);
  process.stdout.write(envLines(machine, shell, false));
  return 0;
}

/**
 * `lab machine ssh NAME [cmd…]`: a shell on the machine, as `docker-machine ssh` gives. A lab machine
 * is a container on this computer, so this is `docker exec`, not ssh; the command is printed first.
 */
export async function machineSshCommand(ctx: CommandContext, name: string, command: string[]): Promise<ExitCode> {
  const docker = ctx.docker();
  await docker.ping();
  const machine = findMachine(await listMachines(docker), name);
  if (!machine.running) throw new EnvironmentError(`The machine "${name}" is ${machine.state}.`, `Start it with \`docker start ${containerName(name)}\`.`);
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const args = ['exec', tty ? '-it' : '-i', containerName(name), ...(command.length > 0 ? command : ['sh'])];
  process.stderr.write(ctx.out.dim(`(docker exec, not ssh: the machine is a container here)\n$ docker ${args.map(shellWord).join(' ')}\n`));
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('docker', args, { stdio: 'inherit', env: { ...process.env, DOCKER_HOST: docker.endpoint.host } });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  return code === 0 ? 0 : 1;
}

/** `lab machine rm NAME…|--all`: each machine's container and volume, found by label only. */
export async function machineRmCommand(ctx: CommandContext, names: string[], flags: { all?: boolean }): Promise<ExitCode> {
  if (flags.all && names.length > 0) throw new UsageError('Give machine names or --all, not both.');
  if (!flags.all && names.length === 0) throw new UsageError('Name the machines to remove, or give --all.');
  const removed = await removeMachines(ctx.docker(), flags.all ? { all: true } : { names });
  ctx.out.line(`Removed ${removed.containers.length} machine container${removed.containers.length === 1 ? '' : 's'}${removed.containers.length ? ` (${removed.containers.join(', ')})` : ''} and ${removed.volumes.length} volume${removed.volumes.length === 1 ? '' : 's'}${removed.volumes.length ? ` (${removed.volumes.join(', ')})` : ''}.`);
  for (const kept of removed.kept) ctx.out.line(ctx.out.yellow(`kept: ${kept}`));
  return 0;
}
