import { describe, expect, it } from '@jest/globals';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from '../../src/cli/context.js';
import type { Output } from '../../src/cli/output.js';
import { machineLsCommand, machineProvider, machineProviderCommand } from '../../src/cli/commands/machine.js';
import { commandLine, createDockerMachineProvider, type CommandRunner, type RunOptions, type RunResult } from '../../src/machines/docker-machine.js';
import {
  dockerMachineFailure,
  LS_FORMAT,
  parseEnv,
  parseIp,
  parseLsFormat,
  parseLsQuiet,
  parseLsTable,
  parseRm,
  type DockerMachineHost,
} from '../../src/machines/docker-machine-parse.js';
import { chooseProvider, findOnPath, type ProviderIO } from '../../src/machines/provider.js';
import { LS_AS_LAB_PRINTS } from '../helpers/docker-machine.js';

// Every sample is docker-machine's own output, from its documentation or source: see
// test/fixtures/docker-machine/README.md for where each comes from.
const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'docker-machine');
const BIN = join(FIXTURES, 'bin');
const recorded = (file: string): string => readFileSync(join(FIXTURES, file), 'utf8');

/** The four machines of docs/reference/ls.md's example. */
const DOCS_HOSTS: DockerMachineHost[] = [
  { name: 'dev', active: '-', driver: 'virtualbox', state: 'Stopped', url: '', docker: '', error: '' },
  { name: 'foo0', active: '-', driver: 'virtualbox', state: 'Running', url: 'tcp://192.168.99.105:2376', docker: 'v1.9.1', error: '' },
  { name: 'foo1', active: '-', driver: 'virtualbox', state: 'Running', url: 'tcp://192.168.99.106:2376', docker: 'v1.9.1', error: '' },
  { name: 'foo2', active: '*', driver: 'virtualbox', state: 'Running', url: 'tcp://192.168.99.107:2376', docker: 'v1.9.1', error: '' },
];

describe('reading docker-machine ls', () => {
  it('reads the default table by its header columns', () => {
    expect(parseLsTable(recorded('ls.txt'))).toEqual(DOCS_HOSTS);
  });

  it('reads a table with no machines', () => {
    expect(parseLsTable(recorded('ls-empty.txt'))).toEqual([]);
    expect(parseLsTable('')).toEqual([]);
  });

  it('reads lab\'s --format template to the same machines as the table', () => {
    expect(LS_FORMAT).toBe('{{.Name}}\\t{{.Active}}\\t{{.DriverName}}\\t{{.State}}\\t{{.URL}}\\t{{.DockerVersion}}\\t{{.Error}}');
    expect(parseLsFormat(recorded('ls-format.txt'))).toEqual(DOCS_HOSTS);
  });

  it('keeps cells with spaces whole: "* (swarm)" and an error message', () => {
    // Laid out as Go's tabwriter does for docker-machine (each column as wide as its widest cell, plus 3).
    const cells = [
      ['NAME', 'ACTIVE', 'DRIVER', 'STATE', 'URL', 'SWARM', 'DOCKER', 'ERRORS'],
      ['swarm', '* (swarm)', 'digitalocean', 'Running', 'tcp://104.131.81.144:2376', 'swarm (master)', 'v1.9.1', ''],
      ['broke', '-', 'virtualbox', 'Error', '', '', 'Unknown', 'machine does not exist'],
    ];
    const widths = cells[0]!.map((_, col) => Math.max(...cells.map((row) => row[col]!.length)) + 3);
    const table = cells.map((row) => row.map((cell, col) => (col < row.length - 1 ? cell.padEnd(widths[col]!) : cell)).join('')).join('\n');
    expect(parseLsTable(table)).toEqual([
      { name: 'swarm', active: '* (swarm)', driver: 'digitalocean', state: 'Running', url: 'tcp://104.131.81.144:2376', docker: 'v1.9.1', error: '' },
      { name: 'broke', active: '-', driver: 'virtualbox', state: 'Error', url: '', docker: 'Unknown', error: 'machine does not exist' },
    ]);
  });

  it('says which line it cannot read', () => {
    expect(() => parseLsFormat(recorded('ls-format-name-driver.txt'))).toThrow(
      'docker-machine ls --format printed a line lab cannot read: "default: virtualbox" (expected 7 tab-separated fields, found 1).',
    );
    expect(() => parseLsTable('default: virtualbox\n')).toThrow(/^docker-machine ls printed a line lab cannot read: "default: virtualbox" \(expected its header/);
    expect(() => parseLsTable('NAME   ACTIVE   STATE\nfoo0   -     Running\n')).toThrow(
      'docker-machine ls printed a line lab cannot read: "foo0   -     Running" (its STATE column does not start where the header\'s does).',
    );
    expect(() => parseLsFormat(recorded('ls-format.txt'))).not.toThrow();
  });

  it('is an environment error (exit 3)', () => {
    try {
      parseLsFormat('nonsense');
      throw new Error('no error');
    } catch (error) {
      expect(error).toMatchObject({ exitCode: 3 });
    }
  });

  it('reads --quiet: one name a line', () => {
    expect(parseLsQuiet(recorded('ls-quiet.txt'))).toEqual(['dev', 'foo0', 'foo1', 'foo2']);
  });
});

describe('reading docker-machine env', () => {
  it('bash', () => {
    expect(parseEnv(recorded('env-bash.txt'), 'bash')).toEqual({
      set: {
        DOCKER_TLS_VERIFY: '1',
        DOCKER_HOST: 'tcp://172.16.62.130:2376',
        DOCKER_CERT_PATH: '/Users/<yourusername>/.docker/machine/machines/default',
        DOCKER_MACHINE_NAME: 'default',
      },
      unset: [],
    });
  });

  it('bash with --no-proxy keeps NO_PROXY too', () => {
    expect(parseEnv(recorded('env-bash-no-proxy.txt'), 'bash').set).toEqual({
      DOCKER_TLS_VERIFY: '1',
      DOCKER_HOST: 'tcp://192.168.99.104:2376',
      DOCKER_CERT_PATH: '/Users/databus23/.docker/machine/certs',
      DOCKER_MACHINE_NAME: 'default',
      NO_PROXY: '192.168.99.104',
    });
  });

  const overlay = {
    DOCKER_TLS_VERIFY: '1',
    DOCKER_HOST: 'tcp://192.168.99.102:2376',
    DOCKER_CERT_PATH: '/Users/nathanleclaire/.docker/machine/machines/overlay',
    DOCKER_MACHINE_NAME: 'overlay',
  };

  it('fish, as docker-machine writes it now (set -gx, quoted)', () => {
    expect(parseEnv(recorded('env-fish.txt'), 'fish')).toEqual({ set: overlay, unset: [] });
  });

  it("fish, as docker-machine 0.5 wrote it (set -x, unquoted, the last ';' left off)", () => {
    expect(parseEnv(recorded('env-fish-0.5.txt'), 'fish')).toEqual({ set: overlay, unset: [] });
  });

  it('powershell, backslashes of the Windows path kept', () => {
    expect(parseEnv(recorded('env-powershell.txt'), 'powershell')).toEqual({
      set: {
        DOCKER_TLS_VERIFY: '1',
        DOCKER_HOST: 'tcp://192.168.99.101:2376',
        DOCKER_CERT_PATH: 'C:\\Users\\captain\\.docker\\machine\\machines\\dev',
        DOCKER_MACHINE_NAME: 'dev',
      },
      unset: [],
    });
  });

  it('--unset in each shell', () => {
    const all = ['DOCKER_TLS_VERIFY', 'DOCKER_HOST', 'DOCKER_CERT_PATH', 'DOCKER_MACHINE_NAME'];
    expect(parseEnv(recorded('env-unset-bash.txt'), 'bash')).toEqual({ set: {}, unset: all });
    expect(parseEnv(recorded('env-unset-fish.txt'), 'fish')).toEqual({ set: {}, unset: all });
    expect(parseEnv(recorded('env-unset-powershell.txt'), 'powershell')).toEqual({ set: {}, unset: all });
  });

  it('refuses another shell\'s lines, and output that points nowhere, naming the line', () => {
    expect(() => parseEnv(recorded('env-bash.txt'), 'fish')).toThrow(
      'docker-machine env --shell fish printed a line lab cannot read: "export DOCKER_TLS_VERIFY=\\"1\\"" (not a fish line that sets or unsets a variable).',
    );
    expect(() => parseEnv('export DOCKER_MACHINE_NAME="dev"\n', 'bash')).toThrow(/it sets no DOCKER_HOST/);
    expect(() => parseEnv('', 'bash')).toThrow(/it sets no DOCKER_HOST/);
  });
});

describe('reading docker-machine ip and rm', () => {
  it('ip: one address', () => {
    expect(parseIp(recorded('ip.txt'))).toBe('192.168.99.104');
    expect(() => parseIp('192.168.99.104\n192.168.99.105\n')).toThrow(/expected one address, found 2 lines/);
    expect(() => parseIp('Error: host is not running\n')).toThrow(/docker-machine ip printed a line lab cannot read/);
  });

  it('rm: the machines it says it removed, with or without the newer WARNING line', () => {
    expect(parseRm(recorded('rm.txt'))).toEqual(['foo']);
    expect(parseRm(recorded('rm-0.16.txt'))).toEqual(['foo']);
  });
});

describe('a failed docker-machine command', () => {
  it('an unknown machine is bad input (exit 2), in docker-machine\'s words', () => {
    const error = dockerMachineFailure('docker-machine ip nope', {
      exitCode: 1,
      stdout: '',
      stderr: 'Docker machine "nope" does not exist. Use "docker-machine ls" to list machines. Use "docker-machine create" to add a new one.\n',
    });
    expect(error).toMatchObject({ exitCode: 2, message: expect.stringContaining('Docker machine "nope" does not exist') });
  });

  it('anything else is the environment (exit 3); a failed pre-create check says what to do', () => {
    const error = dockerMachineFailure('docker-machine create -d virtualbox web', { exitCode: 3, stdout: 'Running pre-create checks...\n', stderr: 'Error with pre-create check: "VBoxManage not found. Make sure VirtualBox is installed and VBoxManage is in the path"\n' });
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('`docker-machine create -d virtualbox web` failed (exit 3):\nError with pre-create check: "VBoxManage not found. Make sure VirtualBox is installed and VBoxManage is in the path"');
    expect(error.next).toMatch(/pre-create check/);
  });
});

/** Replays the recorded transcript: each command line docker-machine is asked for has its recorded answer. */
function replay(transcript: Record<string, Partial<RunResult>>) {
  const calls: { line: string; options: RunOptions }[] = [];
  const run: CommandRunner = async (file, args, options = {}) => {
    expect(file).toBe('docker-machine');
    const line = commandLine(args);
    calls.push({ line, options });
    const answer = transcript[line];
    if (!answer) throw new Error(`nothing recorded for: ${line}`);
    const result = { exitCode: 0, stdout: '', stderr: '', ...answer };
    if (!options.inherit) {
      if (result.stdout) options.onStdout?.(result.stdout);
      if (result.stderr) options.onStderr?.(result.stderr);
    }
    return result;
  };
  return { run, calls, lines: () => calls.map((c) => c.line) };
}

function capturingIO() {
  const lines: string[] = [];
  let written = '';
  let errors = '';
  const io: ProviderIO = {
    out: { interactive: false, line: (text = '') => void lines.push(text), error: (text) => void (errors += `${text}\n`), dim: (t) => t, green: (t) => t, yellow: (t) => t },
    write: (text) => void (written += text),
    writeError: (text) => void (errors += text),
  };
  return { io, lines, written: () => written, errors: () => errors };
}

const LS = "docker-machine ls --format '{{.Name}}\\t{{.Active}}\\t{{.DriverName}}\\t{{.State}}\\t{{.URL}}\\t{{.DockerVersion}}\\t{{.Error}}'";

describe('the docker-machine provider, replaying the recorded transcript', () => {
  const provider = (transcript: Record<string, Partial<RunResult>>, env: NodeJS.ProcessEnv = {}) => {
    const fake = replay(transcript);
    return { ...fake, provider: createDockerMachineProvider({ run: fake.run, path: '/usr/local/bin/docker-machine', env }) };
  };

  it('ls: runs `docker-machine ls --format` and lists what it printed', async () => {
    const { provider: dm, lines } = provider({ [LS]: { stdout: recorded('ls-format.txt') } });
    expect(await dm.list()).toEqual({
      header: ['NAME', 'ACTIVE', 'DRIVER', 'STATE', 'URL', 'DOCKER', 'ERRORS'],
      rows: [
        ['dev', '-', 'virtualbox', 'Stopped', '', '', ''],
        ['foo0', '-', 'virtualbox', 'Running', 'tcp://192.168.99.105:2376', 'v1.9.1', ''],
        ['foo1', '-', 'virtualbox', 'Running', 'tcp://192.168.99.106:2376', 'v1.9.1', ''],
        ['foo2', '*', 'virtualbox', 'Running', 'tcp://192.168.99.107:2376', 'v1.9.1', ''],
      ],
    });
    expect(lines()).toEqual([LS]);
  });

  it('ls: reads the default table from a docker-machine older than --format', async () => {
    const { provider: dm, lines } = provider({
      [LS]: { exitCode: 1, stdout: 'Incorrect Usage.\n\n', stderr: 'flag provided but not defined: -format\n' },
      'docker-machine ls': { stdout: recorded('ls.txt') },
    });
    expect((await dm.list()).rows.map((row) => row[0])).toEqual(['dev', 'foo0', 'foo1', 'foo2']);
    expect(lines()).toEqual([LS, 'docker-machine ls']);
  });

  it('ls: any other failure is docker-machine\'s error', async () => {
    const { provider: dm } = provider({ [LS]: { exitCode: 1, stderr: 'open /root/.docker/machine/machines: permission denied\n' } });
    await expect(dm.list()).rejects.toMatchObject({ exitCode: 3, message: expect.stringContaining('permission denied') });
  });

  it('env: passes docker-machine\'s own text through, for each shell', async () => {
    const { provider: dm, lines } = provider({
      'docker-machine env --shell bash default': { stdout: recorded('env-bash.txt') },
      'docker-machine env --shell fish overlay': { stdout: recorded('env-fish.txt') },
      'docker-machine env --shell powershell dev': { stdout: recorded('env-powershell.txt') },
      'docker-machine env --shell bash --unset': { stdout: recorded('env-unset-bash.txt') },
    });
    const bash = await dm.env('default', 'bash', false);
    expect(bash.text).toBe(recorded('env-bash.txt'));
    expect(bash.set.DOCKER_HOST).toBe('tcp://172.16.62.130:2376');
    expect((await dm.env('overlay', 'fish', false)).set.DOCKER_CERT_PATH).toBe('/Users/nathanleclaire/.docker/machine/machines/overlay');
    expect((await dm.env('dev', 'powershell', false)).set.DOCKER_MACHINE_NAME).toBe('dev');
    expect((await dm.env(undefined, 'bash', true)).unset).toEqual(['DOCKER_TLS_VERIFY', 'DOCKER_HOST', 'DOCKER_CERT_PATH', 'DOCKER_MACHINE_NAME']);
    expect(lines()).toEqual([
      'docker-machine env --shell bash default',
      'docker-machine env --shell fish overlay',
      'docker-machine env --shell powershell dev',
      'docker-machine env --shell bash --unset',
    ]);
  });

  it('env: an unknown machine is exit 2 in docker-machine\'s words', async () => {
    const { provider: dm } = provider({
      'docker-machine env --shell bash nope': { exitCode: 1, stderr: 'Docker machine "nope" does not exist. Use "docker-machine ls" to list machines. Use "docker-machine create" to add a new one.\n' },
    });
    await expect(dm.env('nope', 'bash', false)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('"nope" does not exist') });
  });

  it('ip: `docker-machine ip NAME`', async () => {
    const { provider: dm, lines } = provider({ 'docker-machine ip dev': { stdout: recorded('ip.txt') } });
    expect(await dm.ip('dev')).toBe('192.168.99.104');
    expect(lines()).toEqual(['docker-machine ip dev']);
  });

  it('create: `docker-machine create -d virtualbox` (its default), labelled as the lab\'s, output passed through', async () => {
    const line = 'docker-machine create -d virtualbox --engine-label dev.dockerlab.managed=true --engine-label dev.dockerlab.machine=default default';
    const { provider: dm, lines } = provider({ [line]: { stdout: recorded('create.txt') } });
    const out = capturingIO();
    await dm.create(['default'], { publish: [] }, out.io);
    expect(lines()).toEqual([line]);
    expect(out.written()).toBe(recorded('create.txt'));
    expect(out.lines[0]).toBe(`$ ${line}`);
    expect(out.lines.at(-1)).toMatch(/^Created 1 docker-machine machine \(driver virtualbox\) in \d+\.\d s\. Address one with: eval \$\(docker-machine env default\)$/);
  });

  it('create: --driver, else $MACHINE_DRIVER; one command per machine of --count', async () => {
    const line = (driver: string, name: string) => `docker-machine create -d ${driver} --engine-label dev.dockerlab.managed=true --engine-label dev.dockerlab.machine=${name} ${name}`;
    const a = provider({ [line('digitalocean', 'web-1')]: {}, [line('digitalocean', 'web-2')]: {} });
    await a.provider.create(['web-1', 'web-2'], { publish: [], driver: 'digitalocean' }, capturingIO().io);
    expect(a.lines()).toEqual([line('digitalocean', 'web-1'), line('digitalocean', 'web-2')]);
    const b = provider({ [line('generic', 'web')]: {} }, { MACHINE_DRIVER: 'generic' });
    await b.provider.create(['web'], { publish: [] }, capturingIO().io);
    expect(b.lines()).toEqual([line('generic', 'web')]);
  });

  it('create: a failed pre-create check is exit 3; --publish is for lab machines (exit 2)', async () => {
    const line = 'docker-machine create -d virtualbox --engine-label dev.dockerlab.managed=true --engine-label dev.dockerlab.machine=web web';
    const { provider: dm } = provider({ [line]: { exitCode: 3, stdout: 'Running pre-create checks...\n', stderr: 'Error with pre-create check: "VBoxManage not found. Make sure VirtualBox is installed and VBoxManage is in the path"\n' } });
    await expect(dm.create(['web'], { publish: [] }, capturingIO().io)).rejects.toMatchObject({ exitCode: 3, message: expect.stringContaining('VBoxManage not found') });
    await expect(dm.create(['web'], { publish: [{ hostPort: 8585, containerPort: 80 }] }, capturingIO().io)).rejects.toMatchObject({ exitCode: 2 });
  });

  it('rm: `docker-machine rm -y NAME`, and says what it removed', async () => {
    const { provider: dm, lines } = provider({ 'docker-machine rm -y foo': { stdout: recorded('rm.txt') } });
    const out = capturingIO();
    await dm.remove({ names: ['foo'] }, out.io);
    expect(lines()).toEqual(['docker-machine rm -y foo']);
    expect(out.written()).toBe(recorded('rm.txt'));
    expect(out.lines).toEqual(['$ docker-machine rm -y foo', 'Removed 1 docker-machine machine (foo).']);
  });

  it('rm --all: only the machines whose engine carries the lab\'s label', async () => {
    const { provider: dm, lines } = provider({
      'docker-machine ls --quiet --filter label=dev.dockerlab.managed=true': { stdout: recorded('ls-quiet.txt') },
      'docker-machine rm -y dev foo0 foo1 foo2': { stdout: 'About to remove dev, foo0, foo1, foo2\nSuccessfully removed dev\nSuccessfully removed foo0\nSuccessfully removed foo1\nSuccessfully removed foo2\n' },
    });
    const out = capturingIO();
    await dm.remove({ all: true }, out.io);
    expect(lines()).toEqual(['docker-machine ls --quiet --filter label=dev.dockerlab.managed=true', 'docker-machine rm -y dev foo0 foo1 foo2']);
    expect(out.lines.at(-1)).toBe('Removed 4 docker-machine machines (dev, foo0, foo1, foo2).');
  });

  it('rm --all with none of the lab\'s runs no rm', async () => {
    const { provider: dm, lines } = provider({ 'docker-machine ls --quiet --filter label=dev.dockerlab.managed=true': { stdout: '' } });
    const out = capturingIO();
    await dm.remove({ all: true }, out.io);
    expect(lines()).toEqual(['docker-machine ls --quiet --filter label=dev.dockerlab.managed=true']);
    expect(out.lines).toEqual(['Removed no docker-machine machines: none carries the engine label dev.dockerlab.managed=true that `lab machine create` gives.']);
  });

  it('ssh: `docker-machine ssh NAME cmd…` with this terminal, and its exit code', async () => {
    const { provider: dm, calls } = provider({ 'docker-machine ssh dev df -h': { exitCode: 0 }, 'docker-machine ssh dev': { exitCode: 130 } });
    const out = capturingIO();
    expect(await dm.ssh('dev', ['df', '-h'], out.io)).toBe(0);
    expect(await dm.ssh('dev', [], out.io)).toBe(130);
    expect(calls.map((c) => [c.line, c.options.inherit])).toEqual([
      ['docker-machine ssh dev df -h', true],
      ['docker-machine ssh dev', true],
    ]);
    expect(out.errors()).toBe('$ docker-machine ssh dev df -h\n$ docker-machine ssh dev\n');
  });
});

describe('choosing the provider', () => {
  it('--provider, then LAB_MACHINE_PROVIDER, then lab; says why', () => {
    expect(chooseProvider(undefined, {})).toEqual({ id: 'lab', source: 'default', why: 'the default: no --provider was given and LAB_MACHINE_PROVIDER is not set' });
    expect(chooseProvider(undefined, { LAB_MACHINE_PROVIDER: 'docker-machine' })).toEqual({ id: 'docker-machine', source: 'env', why: 'LAB_MACHINE_PROVIDER=docker-machine is set' });
    expect(chooseProvider('lab', { LAB_MACHINE_PROVIDER: 'docker-machine' })).toEqual({ id: 'lab', source: 'flag', why: '--provider lab was given' });
  });

  it('an unknown provider is exit 2', () => {
    expect(() => chooseProvider('vagrant', {})).toThrow(expect.objectContaining({ exitCode: 2, message: '--provider names no machine provider: "vagrant".' }));
    expect(() => chooseProvider(undefined, { LAB_MACHINE_PROVIDER: 'vbox' })).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  it('finds docker-machine on PATH only where an executable is', () => {
    chmodSync(join(BIN, 'docker-machine'), 0o755);
    expect(findOnPath('docker-machine', { PATH: `/nonexistent:${BIN}` })).toBe(join(BIN, 'docker-machine'));
    expect(findOnPath('docker-machine', { PATH: `/nonexistent:${FIXTURES}` })).toBeUndefined();
    expect(findOnPath('docker-machine', {})).toBeUndefined();
  });
});

/** A context whose engine must not be touched: these commands never need it. */
function noEngineContext() {
  const lines: string[] = [];
  const plain = (text: string) => text;
  const out: Output = { color: false, interactive: false, line: (text = '') => void lines.push(text), error: () => undefined, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, icon: () => '' };
  const ctx = {
    out,
    signal: new AbortController().signal,
    docker: () => {
      throw new Error('the engine was touched');
    },
  } as unknown as CommandContext;
  return { ctx, lines };
}

describe('lab machine with the docker-machine provider (the recorded fake docker-machine on PATH)', () => {
  const PATH = `${BIN}:${process.env.PATH ?? ''}`;

  it('`lab machine ls --provider docker-machine` lists its machines and names the provider', async () => {
    chmodSync(join(BIN, 'docker-machine'), 0o755);
    const { ctx, lines } = noEngineContext();
    expect(await machineLsCommand(ctx, { provider: 'docker-machine' }, { env: { ...process.env, PATH } })).toBe(0);
    expect(lines).toEqual(LS_AS_LAB_PRINTS);
  });

  it('chosen with none on PATH: exit 3, saying so and how to install it', () => {
    const { ctx } = noEngineContext();
    const attempt = () => machineProvider(ctx, {}, { env: { PATH: '/nonexistent', LAB_MACHINE_PROVIDER: 'docker-machine' } });
    expect(attempt).toThrow(expect.objectContaining({ exitCode: 3, message: expect.stringContaining('there is none on PATH (chosen because LAB_MACHINE_PROVIDER=docker-machine is set)') }));
    expect(attempt).toThrow(expect.objectContaining({ next: expect.stringContaining('https://github.com/docker/machine/releases') }));
  });

  it('the default is lab, and choosing it touches nothing', async () => {
    const { ctx, lines } = noEngineContext();
    expect(machineProvider(ctx, {}, { env: { PATH } }).provider.id).toBe('lab');
    expect(await machineProviderCommand(ctx, {}, { env: { PATH } })).toBe(0);
    expect(lines).toEqual([
      'provider: lab (docker-in-docker containers on this engine)',
      'because: the default: no --provider was given and LAB_MACHINE_PROVIDER is not set',
      `docker-machine: ${join(BIN, 'docker-machine')} (choose it with --provider docker-machine or LAB_MACHINE_PROVIDER=docker-machine)`,
    ]);
  });

  it('`lab machine provider` says which and why', async () => {
    const { ctx, lines } = noEngineContext();
    await machineProviderCommand(ctx, {}, { env: { PATH: '/nonexistent' } });
    expect(lines.at(-1)).toBe('docker-machine: not on PATH (the other provider: the docker-machine CLI: a VM or cloud host per machine, made by its driver)');
    const chosen = noEngineContext();
    await machineProviderCommand(chosen.ctx, { provider: 'docker-machine' }, { env: { PATH } });
    expect(chosen.lines).toEqual([`provider: docker-machine (the docker-machine CLI at ${join(BIN, 'docker-machine')}: a VM or cloud host per machine, made by its driver)`, 'because: --provider docker-machine was given']);
  });
});
