import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freshStateDir, runLab } from '../helpers/run-lab.js';

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const labContainers = (): string[] => docker('ps', '-a', '--filter', 'label=dev.dockerlab.managed=true', '--format', '{{.Names}}').split('\n').filter(Boolean).sort();
const liveFolder = join(process.cwd(), 'haproxy-live');
/** HAProxy's log as a second container reads it from the volume, as the lesson does. */
const readLogVolume = (): string => docker('run', '--rm', '-v', 'simple-haproxy-log:/log:ro', 'localhost:5000/simple-haproxy', 'cat', '/log/haproxy_0.log');
const servers = (): string[] => labContainers().filter((name) => /^server_\d+$/.test(name));

/**
 * Stages 2 and 3 on the real engine: each check fails on a clean engine, passes after the solution,
 * and fails again after sabotage. These tests own the lab's resources: they start from `lab reset --all`.
 */
describe('stages horizontal-scale and load-balancing on a real engine', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };

  beforeAll(async () => {
    expect((await runLab(['reset', '--all'], env)).code).toBe(0);
  });

  afterAll(async () => {
    execFileSync('docker', ['rm', '-f', 'server_1'], { stdio: 'ignore' });
    await runLab(['reset', '--all'], env);
  });

  describe('lab deploy', () => {
    it.each([['0'], ['201'], ['abc']])('refuses %p servers with exit 2 and changes nothing', async (count) => {
      const run = await runLab(['deploy', count], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/number of servers/);
      expect(labContainers()).toEqual([]);
    });

    it('refuses an unknown flag with exit 2', async () => {
      const run = await runLab(['deploy', '--frobnicate', '3'], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("unknown option '--frobnicate'");
    });

    it('prints the docker commands of a dry run and changes nothing', async () => {
      const run = await runLab(['deploy', '-l', '1', '2', '--dry-run'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('docker run -d --name server_2 --network simple-network');
      expect(run.stdout).toContain('docker start simple_haproxy_1');
      expect(labContainers()).toEqual([]);
    });

    it('never touches a container named server_1 that is not the lab\'s: it refuses instead', async () => {
      docker('run', '-d', '--name', 'server_1', 'debian:bookworm-slim', 'sleep', '300');
      try {
        const run = await runLab(['deploy', '3'], env);
        expect(run.code).toBe(3);
        expect(run.stderr).toContain("server_1 exists and is not the lab's");
        expect(docker('inspect', '-f', '{{.State.Running}}', 'server_1')).toBe('true');
        expect(labContainers()).toEqual([]);
      } finally {
        docker('rm', '-f', 'server_1');
      }
    });

    it('refuses with exit 3 when a load balancer port is taken, and changes nothing', async () => {
      const server: Server = createServer();
      await new Promise<void>((resolve) => server.listen(8181, '127.0.0.1', resolve));
      try {
        const run = await runLab(['deploy', '-l', '1', '2'], env);
        expect(run.code).toBe(3);
        expect(run.stderr).toContain('Port 8181');
        expect(labContainers()).toEqual([]);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('run twice with another count leaves exactly the newest count', async () => {
      expect((await runLab(['deploy', '5'], env)).code).toBe(0);
      expect(servers()).toEqual(['server_1', 'server_2', 'server_3', 'server_4', 'server_5']);
      expect((await runLab(['deploy', '2'], env)).code).toBe(0);
      expect(servers()).toEqual(['server_1', 'server_2']);
    });
  });

  describe('horizontal-scale', () => {
    it('fails while the count is not ten, naming what is missing', async () => {
      const run = await runLab(['check', 'horizontal-scale'], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('2 of 10 servers exist; server_3, server_4');
    });

    it('passes after `lab solve`', async () => {
      const run = await runLab(['solve', 'horizontal-scale'], env);
      expect(run.stdout).toContain('$ lab deploy 10');
      expect(run.code).toBe(0);
    });

    it('fails after a server is removed, naming it', async () => {
      docker('rm', '-f', 'server_7');
      const run = await runLab(['check', 'horizontal-scale'], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('server_7 is missing');
    });

    it('fails when a server is left over from an older count', async () => {
      expect((await runLab(['deploy', '11'], env)).code).toBe(0);
      const run = await runLab(['check', 'horizontal-scale'], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('server_11 is left over');
    });
  });

  describe('load-balancing', () => {
    it('fails before any load balancer exists', async () => {
      const run = await runLab(['check', 'load-balancing'], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('simple_haproxy_1, simple_haproxy_2, simple_haproxy_3 do not exist');
      expect(run.stdout).toContain('There is no container named simple_haproxy_4.');
    });

    it('passes after `lab solve`, proven from each load balancer\'s log', async () => {
      const run = await runLab(['solve', 'load-balancing'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('logged round-robin turns');
      expect(docker('logs', 'simple_haproxy_1')).toMatch(/http-in webservers\/server_\d+/);
    });

    it('proves the fourth load balancer reads a folder of this machine read-only, and logs to a volume another container reads', async () => {
      const run = await runLab(['check', 'load-balancing'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`simple_haproxy_4 reads ${liveFolder}/haproxy.cfg, the very file on this machine, read-only`);
      expect(run.stdout).toMatch(/requests just sent through simple_haproxy_4 end haproxy_0\.log on the volume simple-haproxy-log/);
      expect(readLogVolume()).toMatch(/http-in webservers\/server_\d+ .* 200 /);
    });

    it('fails when the folder is mounted writable and the log is not on the volume; the log outlives its container', async () => {
      const last = readLogVolume().trim().split('\n').at(-1) ?? '';
      docker('rm', '-f', 'simple_haproxy_4');
      expect(last).toMatch(/webservers\/server_/);
      expect(readLogVolume()).toContain(last);
      docker('run', '-d', '--name', 'simple_haproxy_4', '--network', 'simple-network', '-p', '127.0.0.1:8484:80', '--mount', `type=bind,source=${liveFolder},target=/usr/local/etc/haproxy`, 'localhost:5000/simple-haproxy');
      const run = await runLab(['check', 'load-balancing'], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`simple_haproxy_4 can write to ${liveFolder} through its mount`);
      expect(run.stdout).toContain('simple_haproxy_4 mounts nothing on /var/log/haproxy');
      docker('rm', '-f', 'simple_haproxy_4');
      docker('run', '-d', '--name', 'simple_haproxy_4', '--network', 'simple-network', '-p', '127.0.0.1:8484:80', '--mount', `type=bind,source=${liveFolder},target=/usr/local/etc/haproxy,readonly`, '-v', 'simple-haproxy-log:/var/log/haproxy', 'localhost:5000/simple-haproxy');
    });

    it('fails after a load balancer stops', async () => {
      docker('stop', '-t', '1', 'simple_haproxy_2');
      const run = await runLab(['check', 'load-balancing'], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('simple_haproxy_2 (exited) is not running');
      docker('start', 'simple_haproxy_2');
    });

    it('fails when a load balancer is changed to `balance first`', async () => {
      docker('exec', 'simple_haproxy_3', 'sed', '-i', 's/balance roundrobin/balance first/', '/usr/local/etc/haproxy/haproxy.cfg');
      docker('restart', '-t', '1', 'simple_haproxy_3');
      const run = await runLab(['check', 'load-balancing'], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/simple_haproxy_3/);
      expect(run.stdout).toMatch(/round-robin|never reached/);
    });
  });

  describe('lab goto', () => {
    it('solves every stage before the one named, in order, and leaves the learner at it', async () => {
      const state = { LAB_STATE_DIR: freshStateDir() };
      expect((await runLab(['reset', '--all'], state)).code).toBe(0);
      const run = await runLab(['goto', 'load-balancing'], state);
      expect(run.code).toBe(0);
      expect(run.stdout.indexOf('Solving 1 single-host')).toBeLessThan(run.stdout.indexOf('Solving 2 horizontal-scale'));
      expect(run.stdout).not.toContain('Solving 3');
      const status = JSON.parse((await runLab(['status', '--json'], state)).stdout) as { current: string; stages: { id: string; status: string }[] };
      expect(status.current).toBe('load-balancing');
      expect(status.stages.map((s) => s.status).slice(0, 3)).toEqual(['passed', 'passed', 'in-progress']);
    });

    it('re-checks every passed stage with `lab check --all` and names the one that regressed', async () => {
      const state = { LAB_STATE_DIR: freshStateDir() };
      expect((await runLab(['goto', 'load-balancing'], state)).code).toBe(0);
      expect((await runLab(['check', '--all'], state)).stdout).toContain('All 2 passed stage(s) still pass.');
      docker('rm', '-f', 'server_2');
      const run = await runLab(['check', '--all'], state);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('✔ single-host');
      expect(run.stdout).toContain('✖ horizontal-scale regressed');
    });
  });
});
