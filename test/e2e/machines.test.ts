import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { waitForEngines, type PlannedMachine } from '../../src/machines/manage.js';
import { createDockerClient } from '../../src/runtime/docker.js';
import { runLab } from '../helpers/run-lab.js';

// One lab machine on the real engine: create, address it with `eval $(lab machine env …)`, list, remove.
// Its name is unique to this test; everything else the test makes carries dev.dockerlab.test=helper9.
const NAME = 'h9test';
const TEST_LABEL = 'dev.dockerlab.test=helper9';
const docker = createDockerClient();

async function volumeExists(name: string): Promise<boolean> {
  try {
    await docker.api.getVolume(name).inspect();
    return true;
  } catch {
    return false;
  }
}

async function cleanUp(): Promise<void> {
  await docker.removeByLabel(['dev.dockerlab.managed=true', `dev.dockerlab.machine=${NAME}`]);
  await docker.removeByLabel([TEST_LABEL]);
}

describe('lab machine (real engine)', () => {
  const bystanders = ['h9-bystander-plain', 'h9-bystander-lab'];
  let createMs = 0;

  beforeAll(async () => {
    if (spawnSync('docker', ['image', 'inspect', 'dockerlab/host'], { stdio: 'ignore' }).status !== 0) {
      execFileSync(process.execPath, ['dist/cli/main.js', 'images', 'build', '--offline'], { stdio: 'inherit' });
    }
    await cleanUp();
    // Not the lab's: only the test's own label. And one of the lab's that is not a machine.
    const plain = { 'dev.dockerlab.test': 'helper9' };
    const lab = { 'dev.dockerlab.managed': 'true', 'dev.dockerlab.role': 'host', 'dev.dockerlab.test': 'helper9' };
    for (const [name, labels] of [[bystanders[0]!, plain], [bystanders[1]!, lab]] as const) {
      await docker.api.createContainer({ name, Image: 'debian:bookworm-slim', Cmd: ['sleep', '300'], Labels: labels });
    }
  }, 600_000);

  afterAll(cleanUp, 60_000);

  it('creates a machine whose engine answers within the deadline', async () => {
    const started = Date.now();
    const run = await runLab(['machine', 'create', NAME], {}, 90_000);
    createMs = Date.now() - started;
    expect(run.output).toContain(`docker run -d --name lab-machine-${NAME}`);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${NAME}: engine on tcp://127\\.0\\.0\\.1:\\d+, answered`));
    process.stderr.write(`lab machine create ${NAME}: ${createMs} ms\n`);
  }, 90_000);

  it('refuses a name already in use (exit 2)', async () => {
    const run = await runLab(['machine', 'create', NAME]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('already used');
  });

  it('`eval $(lab machine env NAME)` points docker at the machine', async () => {
    const env = await runLab(['machine', 'env', NAME]);
    expect(env.code).toBe(0);
    const { DOCKER_HOST: _host, DOCKER_CONTEXT: _context, ...rest } = process.env;
    const inner = spawnSync('bash', ['-c', `eval "$(node dist/cli/main.js machine env ${NAME})" && echo "$DOCKER_HOST" && docker version --format '{{.Server.Version}}'`], {
      env: rest,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(inner.stderr).toBe('');
    expect(inner.status).toBe(0);
    const [host, version] = inner.stdout.trim().split('\n');
    expect(host).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    // It is not the outer engine: that one has no container named after the machine inside it.
    const names = spawnSync('bash', ['-c', `eval "$(node dist/cli/main.js machine env ${NAME})" && docker ps -a --format '{{.Names}}'`], { env: rest, encoding: 'utf8' });
    expect({ status: names.status, stdout: names.stdout }).toEqual({ status: 0, stdout: '' });
    // TLS with a client certificate, as docker-machine's engines: without the certificate, no way in.
    const stranger = spawnSync('docker', ['ps'], { env: { ...rest, DOCKER_HOST: host }, encoding: 'utf8' });
    expect(stranger.status).not.toBe(0);
    expect(stranger.stderr).toContain('HTTP request to an HTTPS server');
    const noClientCert = spawnSync('curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', `https://${host!.slice('tcp://'.length)}/_ping`], { encoding: 'utf8' });
    expect(noClientCert.stdout).not.toBe('200');
  }, 40_000);

  it('lists the machine with its state, URL and engine version', async () => {
    const run = await runLab(['machine', 'ls']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^${NAME}\\s+[-*]\\s+running\\s+tcp://127\\.0\\.0\\.1:\\d+\\s+\\d+\\.\\d+`, 'm'));
  });

  it('names the existing machines for an unknown one (exit 2)', async () => {
    const run = await runLab(['machine', 'env', 'h9-no-such-machine']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(NAME);
  });

  it('says at once when a machine stops before its engine answers, with its last lines', async () => {
    const dead = `${NAME}dead`;
    const labels = { 'dev.dockerlab.managed': 'true', 'dev.dockerlab.role': 'host', 'dev.dockerlab.machine': dead, 'dev.dockerlab.test': 'helper9' };
    await docker.api.createContainer({ name: `lab-machine-${dead}`, Image: 'debian:bookworm-slim', Cmd: ['sh', '-c', 'echo "the engine broke" >&2; exit 3'], Labels: labels });
    await docker.startContainer(`lab-machine-${dead}`);
    const started = Date.now();
    const machine: PlannedMachine = { name: dead, port: 23799, publish: [], runtime: { privileged: false, cgroupVersion: 1 } };
    const waiting = waitForEngines(docker, [machine], { deadlineMs: 60_000 });
    await expect(waiting).rejects.toThrow(/The engine of h9testdead stopped \(exit code 3\)[^]*the engine broke/);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it('removes the container and its volume by label, and nothing else', async () => {
    const run = await runLab(['machine', 'rm', NAME]);
    expect(run.code).toBe(0);
    expect(await docker.inspectContainer(`lab-machine-${NAME}`)).toBeUndefined();
    expect(await volumeExists(`lab-machine-${NAME}`)).toBe(false);
    for (const name of bystanders) expect(await docker.inspectContainer(name)).toBeDefined();
  }, 30_000);
});
