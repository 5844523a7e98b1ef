import { spawn } from 'node:child_process';
import { EnvironmentError } from '../errors.js';
import { seconds } from '../format.js';
import { shellWord } from '../runtime/container-spec.js';
import type { DockerClient } from '../runtime/docker.js';
import { MACHINE_VARIABLES } from '../runtime/endpoint.js';
import { ownEnvironment, rememberLabEngine } from '../runtime/engine-memory.js';
import { envLines, machineVariables } from './env.js';
import { createCommands, createMachines, engineVersion, findMachine, listMachines, planCreate, removeMachines, waitForEngines } from './manage.js';
import { PROVIDER_SUMMARY, type MachineEnv, type MachineProvider } from './provider.js';
import { dockerHostUrl } from './spec.js';
import { clientTls, writeCertPath } from './tls.js';
import { machineContainer } from '../runtime/names.js';

/**
 * The lab's own machines: docker-in-docker containers on this engine, each engine on a 127.0.0.1
 * port behind TLS with a client certificate (manage.ts and tls.ts do the work). The default provider; what it prints is what `lab machine` has
 * always printed.
 */
export function createLabProvider(docker: () => DockerClient): MachineProvider {
  return {
    id: 'lab',
    summary: PROVIDER_SUMMARY.lab,

    async create(names, { publish }, io) {
      const client = docker();
      const { machines: planned, why } = await planCreate(client, names, publish);
      const started = Date.now();
      io.out.line(io.out.dim(`# On this engine ${why}.`));
      for (const machine of planned) for (const line of createCommands(machine)) io.out.line(io.out.dim(`$ ${line}`));
      await createMachines(client, planned);
      let last = '';
      const ready = await waitForEngines(client, planned, {
        ...(io.signal ? { signal: io.signal } : {}),
        onProgress: (done, total, elapsedMs) => {
          const line = `waiting for the engines: ${done}/${total} answer GET /_ping`;
          if (io.out.interactive) io.write(`\r${line} (${seconds(elapsedMs)})   `);
          else if (line !== last) io.out.line(line);
          last = line;
        },
      }).finally(() => {
        if (io.out.interactive) io.write('\n');
      });
      const where = publishedWhere(planned[0]?.remoteAddress);
      for (const machine of planned) {
        io.out.line(io.out.green(`${machine.name}: engine on ${dockerHostUrl({ port: machine.port, address: machine.remoteAddress })}, answered ${seconds(ready.get(machine.name) ?? 0)} after start`));
        for (const p of machine.publish) io.out.line(`${machine.name}: its port ${p.containerPort} is 127.0.0.1:${p.hostPort} ${where}`);
      }
      io.out.line(`Created ${planned.length} machine${planned.length === 1 ? '' : 's'} in ${seconds(Date.now() - started)}. Address one with: eval $(lab machine env ${planned[0]!.name})`);
    },

    /** Like `docker-machine ls` (ACTIVE is the one DOCKER_HOST points at). */
    async list() {
      const client = docker();
      await client.ping();
      const machines = await listMachines(client);
      const versions = await Promise.all(machines.map((m) => (m.running && m.port ? engineVersion(client, m) : Promise.resolve(undefined))));
      return {
        header: ['NAME', 'ACTIVE', 'STATE', 'URL', 'DOCKER', 'PUBLISHED'],
        rows: machines.map((m, i) => [
          m.name,
          process.env.DOCKER_HOST === dockerHostUrl(m) ? '*' : '-',
          m.state,
          m.port ? dockerHostUrl(m) : '',
          versions[i] ?? (m.running ? 'Unknown' : ''),
          m.published.map((p) => `127.0.0.1:${p.hostPort}->${p.containerPort}`).join(', '),
        ]),
      };
    },

    async env(name, shell, unset): Promise<MachineEnv> {
      if (unset) {
        return { text: envLines({ name: name ?? '', port: 0 }, shell, true), set: {}, unset: [...MACHINE_VARIABLES] };
      }
      const client = docker();
      await client.ping();
      const machine = findMachine(await listMachines(client), name ?? '');
      if (!machine.running || !machine.port) throw new EnvironmentError(`The machine "${name}" is ${machine.state}.`, `Start it with \`docker start ${machineContainer(machine.name)}\`.`);
      const certs = writeCertPath(machine.name, await clientTls(client, machine.name));
      rememberLabEngine(machine.name);
      return { text: envLines(machine, shell, false, certs), set: machineVariables(machine, certs), unset: [] };
    },

    /** The machine's address on the lab network, as `docker-machine ip` prints it. */
    async ip(name) {
      const client = docker();
      await client.ping();
      const machine = findMachine(await listMachines(client), name);
      if (!machine.running || !machine.ip) throw new EnvironmentError(`The machine "${name}" is ${machine.state} and has no address.`, `Start it with \`docker start ${machineContainer(name)}\`.`);
      return machine.ip;
    },

    /** A lab machine is a container on this computer, so this is `docker exec`, not ssh; the command is printed first. */
    async ssh(name, command, io) {
      const client = docker();
      await client.ping();
      const machine = findMachine(await listMachines(client), name);
      if (!machine.running) throw new EnvironmentError(`The machine "${name}" is ${machine.state}.`, `Start it with \`docker start ${machineContainer(name)}\`.`);
      const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
      const args = ['exec', tty ? '-it' : '-i', machineContainer(name), ...(command.length > 0 ? command : ['sh'])];
      io.writeError(io.out.dim(`(docker exec, not ssh: the machine is a container here)\n$ docker ${args.map(shellWord).join(' ')}\n`));
      return new Promise<number>((resolve, reject) => {
        const child = spawn('docker', args, { stdio: 'inherit', env: ownEnvironment(process.env) });
        child.on('error', reject);
        child.on('close', (exitCode) => resolve(exitCode ?? 1));
      });
    },

    /** Each machine's container and volume, found by label only. */
    async remove(target, io) {
      const removed = await removeMachines(docker(), target);
      io.out.line(`Removed ${removed.containers.length} machine container${removed.containers.length === 1 ? '' : 's'}${removed.containers.length ? ` (${removed.containers.join(', ')})` : ''} and ${removed.volumes.length} volume${removed.volumes.length === 1 ? '' : 's'}${removed.volumes.length ? ` (${removed.volumes.join(', ')})` : ''}.`);
      for (const kept of removed.kept) io.out.line(io.out.yellow(`kept: ${kept}`));
    },
  };
}

/** Where a machine's published ports are: on this computer, or on the remote engine's host. */
const publishedWhere = (remoteAddress: string | undefined): string => (remoteAddress ? `on the engine's host (${remoteAddress})` : 'here');
