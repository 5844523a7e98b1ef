import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freshStateDir, runLab } from '../helpers/run-lab.js';

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const bystander = `lab-bystander-${process.pid}`;

/**
 * Stage 1 on the real engine: the check fails on a clean engine, passes after the solution,
 * and fails again after sabotage. These tests own the lab's resources: they start from `lab reset --all`.
 */
describe('stage single-host on a real engine', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };

  beforeAll(async () => {
    expect((await runLab(['reset', '--all'], env)).code).toBe(0);
  });

  afterAll(async () => {
    execFileSync('docker', ['rm', '-f', bystander], { stdio: 'ignore' });
    await runLab(['reset', '--all'], env);
  });

  it('fails on a clean engine and names what is missing', async () => {
    rmSync('example-service/build', { recursive: true, force: true });
    const run = await runLab(['check', 'single-host'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✖ the service is built .* — There is no build of the service in example-service\/build\/ yet/);
    expect(run.stdout).toContain('There is no container named simple-server-test.');
    expect(run.stdout).toMatch(/registry at localhost:5000 does not answer|has no simple-server:latest/);
  });

  it('cannot build the image before the build step: the Dockerfile only copies its artifact', () => {
    const build = spawnSync('docker', ['build', '-t', `lab-no-artifact-${process.pid}`, '-f', 'dockerfiles/simple-server/Dockerfile', 'example-service'], { encoding: 'utf8' });
    expect(build.status).not.toBe(0);
    // The classic builder: "COPY failed: file not found in build context …: stat build/simple-server.pyz";
    // BuildKit: "\"/build/simple-server.pyz\": not found".
    expect(build.stdout + build.stderr).toMatch(/build\/simple-server\.pyz/);
    expect(build.stdout + build.stderr).toMatch(/not found|no such file|does not exist/i);
  });

  it('refuses to solve while another program holds one of its ports, and changes nothing', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(8080, '127.0.0.1', resolve));
    try {
      const run = await runLab(['solve', 'single-host'], env);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('Port 8080 on 127.0.0.1 is already taken');
      expect(docker('ps', '-q', '--filter', 'label=dev.dockerlab.managed=true')).toBe('');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('passes after `lab solve`, showing each command it ran', async () => {
    const run = await runLab(['solve', 'single-host'], env);
    // The command as the lesson shows it; the shell gives it the repository (the lab's registry, unset).
    expect(run.stdout).toContain('$ docker push $DOCKER_REPOSITORY/simple-server');
    expect(run.stdout).toContain('Successfully tagged localhost:5000/simple-server:latest');
    expect(run.code).toBe(0);
    const check = await runLab(['check', 'single-host', '--json'], env);
    expect(check.code).toBe(0);
    const report = JSON.parse(check.stdout) as { passed: boolean; results: { status: string }[] };
    expect(report.passed).toBe(true);
    expect(report.results.map((r) => r.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(docker('exec', 'simple-server-test', 'ls', '/app')).toBe('simple-server.pyz');
  });

  it('fails the build check when the sources changed after the build, and passes after the build step and a new image', async () => {
    const infoFile = 'example-service/build/build-info.json';
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as { sources: Record<string, string> };
    writeFileSync(infoFile, JSON.stringify({ ...info, sources: { ...info.sources, 'server.py': '0'.repeat(64) } }));
    const buildLine = (stdout: string) => stdout.split('\n').find((line) => line.includes('the service is built'));
    expect(buildLine((await runLab(['check', 'single-host'], env)).stdout)).toMatch(/^✖ /);
    expect((await runLab(['check', 'single-host'], env)).stdout).toContain('server.py changed since the last build');
    expect((await runLab(['solve', 'single-host'], env)).code).toBe(0);
    expect(buildLine((await runLab(['check', 'single-host'], env)).stdout)).toMatch(/^✔ .*simple-server-test runs that very file/);
  }, 120_000);

  it("fails the volume check after a push to the running registry, and passes once a new registry container serves the same volume", async () => {
    execFileSync('docker', ['push', 'localhost:5000/simple-server'], { stdio: 'ignore' });
    const volumeLine = (stdout: string) => stdout.split('\n').find((line) => line.includes("the registry's data outlived"));
    expect(volumeLine((await runLab(['check', 'single-host'], env)).stdout)).toMatch(/^✖ .*is the container simple-server:latest was pushed to/);
    execFileSync('bash', ['-c', 'docker ps -aq --filter label=dev.dockerlab.role=registry | xargs -r docker rm -f'], { stdio: 'ignore' });
    // The solution starts the registry again (its setup), pushes, and re-creates it on the same volume.
    expect((await runLab(['solve', 'single-host'], env)).code).toBe(0);
    expect(volumeLine((await runLab(['check', 'single-host'], env)).stdout)).toMatch(/^✔ /);
  }, 120_000);

  it('records the pass in progress', async () => {
    const status = JSON.parse((await runLab(['status', '--json'], env)).stdout) as { stages: { id: string; status: string }[] };
    expect(status.stages.find((s) => s.id === 'single-host')?.status).toBe('passed');
  });

  it('fails again after the container is stopped, with the command to look closer', async () => {
    docker('stop', '-t', '2', 'simple-server-test');
    const run = await runLab(['check', 'single-host'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('simple-server-test is exited');
    expect(run.stdout).toContain('docker logs simple-server-test');
  });

  it('leaves a container without lab labels alone on `lab reset --all`', async () => {
    docker('run', '-d', '--name', bystander, 'debian:bookworm-slim', 'sleep', '300');
    const run = await runLab(['reset', '--all'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('simple-server-test');
    expect(docker('inspect', '-f', '{{.State.Running}}', bystander)).toBe('true');
    expect(docker('ps', '-aq', '--filter', 'label=dev.dockerlab.managed=true')).toBe('');
  });

  it('fails once more after the reset: the registry and the container are gone', async () => {
    const run = await runLab(['check', 'single-host'], env);
    expect(run.code).toBe(1);
  });
});
