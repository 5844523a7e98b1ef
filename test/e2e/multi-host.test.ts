import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { checkUntil, docker, failedLines, freshStateDir, ownsTheLab, runLab, runStepsOf } from '../helpers/run-lab.js';

/**
 * Stage 5 on the real engine: three lab machines (docker-in-docker), images pulled from the lab's
 * registry, Consul and HAProxy on their own machines. Fails before, passes after the lesson's steps
 * run in order as the UI runs them (its `solve` list passes in the track test), fails while the web
 * machine is stopped, and `lab reset multi-host` removes its machines only.
 */
describe('stage multi-host on a real engine', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };

  ownsTheLab(env);

  it('fails before the machines exist, saying which one to create', async () => {
    const run = await runLab(['check', 'multi-host'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('There is no lab machine "web".');
    expect(run.stdout).toContain('lab machine create web');
  }, 60_000);

  it('passes after the lesson\'s steps: one service kind per machine, Consul sees the web machine, requests cross hosts', async () => {
    const started = Date.now();
    await runStepsOf('multi-host', env);
    const run = await runLab(['check', 'multi-host'], env);
    expect({ code: run.code, failed: failedLines(run) }).toEqual({ code: 0, failed: [] });
    expect(run.stdout).toContain('One service kind per machine — web: 3 servers, lb: 1 lb, consul: 1 consul.');
    expect(run.stdout).toMatch(/Consul on "consul" lists 3 passing instances at [\d.]+ \(the web machine\): ports 8081, 8082, 8083/);
    expect(run.stdout).toContain('reached all 3 servers on "web": server_1, server_2, server_3');
    // The images reached the machines through the registry, not from this engine.
    expect(docker('exec', 'lab-machine-web', 'docker', 'images', '--format', '{{.Repository}}')).toContain('simple-registry:5000/simple-server');
    process.stdout.write(`multi-host steps + check: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }, 240_000);

  it('the challenge: fails with three servers and with server_4 unregistered; passes after the reference; fails again once server_4 is deregistered', async () => {
    const onWeb = (...args: string[]): string => docker('exec', 'lab-machine-web', 'docker', ...args);
    const challenge = () => runLab(['check', 'multi-host', '--challenge'], env);
    const before = await challenge();
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('"web" runs 3 servers (server_1, server_2, server_3); this wants 4.');
    onWeb('run', '-d', '--name', 'server_4', '-p', '8084:8080', '-e', 'SERVER_NAME=server_4', 'simple-registry:5000/simple-server');
    const unregistered = await challenge();
    expect(unregistered.code).toBe(1);
    expect(unregistered.stdout).toMatch(/Consul does not list server_4 \([\d.]+:8084\) as a passing simple-service/);
    expect(unregistered.stdout).toContain('never reached server_4 on "web"');
    // As `lab test` runs it: from the lab's folder, with the lab's own `lab` first on PATH.
    execFileSync('bash', ['lessons/05-multi-host/challenge.solution.sh'], { env: { ...process.env, ...env, PATH: [join(process.cwd(), 'bin'), process.env.PATH].join(delimiter) }, stdio: ['ignore', 'pipe', 'pipe'] });
    const after = await challenge();
    expect({ code: after.code, failed: failedLines(after) }).toEqual({ code: 0, failed: [] });
    expect(after.stdout).toMatch(/reached all 4 servers on "web": server_1, server_2, server_3, server_4/);
    onWeb('exec', 'consul_agent', 'consul', 'services', 'deregister', '-id', 'server_4');
    const deregistered = await challenge();
    expect(deregistered.code).toBe(1);
    expect(deregistered.stdout).toMatch(/Consul does not list server_4/);
    onWeb('rm', '-f', 'server_4');
  }, 240_000);

  it('names the web machine while it is stopped, and passes again once it is back (restart policies)', async () => {
    docker('stop', '-t', '2', 'lab-machine-web');
    const run = await runLab(['check', 'multi-host'], env);
    expect(run.code).toBe(1);
    expect(failedLines(run)).toHaveLength(3);
    expect(run.stdout).toContain('The machine "web" is exited.');
    expect(run.stdout).toContain('docker start lab-machine-web');
    docker('start', 'lab-machine-web');
    expect((await checkUntil('multi-host', env, 0, 60_000)).code).toBe(0);
  }, 180_000);

  it('calls out a second service kind on a machine', async () => {
    docker('exec', 'lab-machine-lb', 'docker', 'run', '-d', '--name', 'server_9', 'simple-registry:5000/simple-server');
    const run = await runLab(['check', 'multi-host'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('The machine "lb" runs server_9 (server) besides its lbs: one service kind per host.');
    docker('exec', 'lab-machine-lb', 'docker', 'rm', '-f', 'server_9');
  }, 60_000);

  it('`lab reset multi-host` removes its machines and their volumes, and leaves the registry', async () => {
    expect((await runLab(['reset', 'multi-host'], env)).code).toBe(0);
    expect(docker('ps', '-a', '--filter', 'label=dev.dockerlab.machine', '--format', '{{.Names}}')).toBe('');
    expect(docker('volume', 'ls', '-q', '--filter', 'label=dev.dockerlab.machine')).toBe('');
    expect(docker('ps', '--filter', 'name=^simple-registry$', '--format', '{{.Names}}')).toBe('simple-registry');
  }, 120_000);
});
