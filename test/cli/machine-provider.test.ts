import { beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LS_AS_LAB_PRINTS } from '../helpers/docker-machine.js';
import { runLab } from '../helpers/run-lab.js';

// The built `lab` with the docker-machine provider, against test/fixtures/docker-machine/bin/docker-machine:
// a shell script that replays docker-machine's recorded output (sources in that folder's README.md).
// Nothing here needs a Docker engine, and nothing is created. Needs `npm run build` (npm test does it).
const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'docker-machine');
const BIN = join(FIXTURES, 'bin');
const PATH = `${BIN}:${process.env.PATH ?? ''}`;
const recorded = (file: string): string => readFileSync(join(FIXTURES, file), 'utf8');
// An engine address where nothing answers: the docker-machine provider must never touch the lab's engine.
const NO_ENGINE = { DOCKER_HOST: 'tcp://127.0.0.1:9', LAB_DOCKER_HOST: 'tcp://127.0.0.1:9', DOCKER_MACHINE_NAME: undefined };
const clean = { ...NO_ENGINE, LAB_MACHINE_PROVIDER: undefined, PATH };

const TABLE = [...LS_AS_LAB_PRINTS, ''].join('\n');

beforeAll(() => {
  if (!existsSync(join(process.cwd(), 'dist', 'cli', 'main.js'))) throw new Error('Build the lab first: npm run build');
  chmodSync(join(BIN, 'docker-machine'), 0o755);
});

describe('lab machine --provider docker-machine (a recorded docker-machine on PATH)', () => {
  it('`lab machine ls --provider docker-machine` lists docker-machine\'s machines and names the provider', async () => {
    const run = await runLab(['machine', 'ls', '--provider', 'docker-machine'], clean, 30_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(TABLE);
  });

  it('takes --provider before the subcommand, and LAB_MACHINE_PROVIDER', async () => {
    expect((await runLab(['machine', '--provider', 'docker-machine', 'ls'], clean, 30_000)).stdout).toBe(TABLE);
    expect((await runLab(['machine', 'ls'], { ...clean, LAB_MACHINE_PROVIDER: 'docker-machine' }, 30_000)).stdout).toBe(TABLE);
  });

  it('reads the plain table of a docker-machine older than `ls --format`', async () => {
    const run = await runLab(['machine', 'ls', '--provider', 'docker-machine'], { ...clean, FAKE_DOCKER_MACHINE_OLD: '1' }, 30_000);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(TABLE);
  });

  it('env prints what docker-machine printed, for each shell', async () => {
    for (const [shell, name, file] of [['bash', 'default', 'env-bash.txt'], ['fish', 'overlay', 'env-fish.txt'], ['powershell', 'dev', 'env-powershell.txt']] as const) {
      const run = await runLab(['machine', 'env', '--provider', 'docker-machine', '--shell', shell, name], clean, 30_000);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(recorded(file));
    }
  });

  it('ip prints the address', async () => {
    const run = await runLab(['machine', 'ip', '--provider', 'docker-machine', 'foo0'], clean, 30_000);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('192.168.99.104\n');
  });

  it('create runs `docker-machine create -d virtualbox …` and passes its output through as it comes', async () => {
    const run = await runLab(['machine', 'create', 'default', '--provider', 'docker-machine'], clean, 30_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('$ docker-machine create -d virtualbox --engine-label dev.dockerlab.managed=true --engine-label dev.dockerlab.machine=default default');
    expect(lines.slice(1, -2).join('\n') + '\n').toBe(recorded('create.txt'));
    expect(lines.at(-2)).toMatch(/^Created 1 docker-machine machine \(driver virtualbox\) in \d+\.\d s\. Address one with: eval \$\(docker-machine env default\)$/);
  });

  it('rm runs `docker-machine rm -y NAME` and says what it removed', async () => {
    const run = await runLab(['machine', 'rm', 'foo', '--provider', 'docker-machine'], clean, 30_000);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`$ docker-machine rm -y foo\n${recorded('rm.txt')}Removed 1 docker-machine machine (foo).\n`);
  });

  it('an unknown machine is exit 2, in docker-machine\'s words', async () => {
    const run = await runLab(['machine', 'env', '--provider', 'docker-machine', 'nope'], clean, 30_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Docker machine "nope" does not exist');
  });

  it('`lab machine provider` says which provider and why', async () => {
    const run = await runLab(['machine', 'provider'], clean, 30_000);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'provider: lab (docker-in-docker containers on this engine)\n' +
        'because: the default: no --provider was given and LAB_MACHINE_PROVIDER is not set\n' +
        `docker-machine: ${join(BIN, 'docker-machine')} (choose it with --provider docker-machine or LAB_MACHINE_PROVIDER=docker-machine)\n`,
    );
  });

  it('an unknown provider is exit 2', async () => {
    const run = await runLab(['machine', 'ls'], { ...clean, LAB_MACHINE_PROVIDER: 'vagrant' }, 30_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('LAB_MACHINE_PROVIDER names no machine provider: "vagrant".');
  });
});

describe('lab machine --provider docker-machine with no docker-machine on PATH', () => {
  it('exits 3, saying so and how to install it', async () => {
    const run = await runLab(['machine', 'ls', '--provider', 'docker-machine'], { ...NO_ENGINE, LAB_MACHINE_PROVIDER: undefined, PATH: '/nonexistent' }, 30_000);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('The docker-machine provider needs the `docker-machine` command, and there is none on PATH (chosen because --provider docker-machine was given).');
    expect(run.stderr).toContain('https://github.com/docker/machine/releases');
    expect(run.stdout).toBe('');
  });
});
