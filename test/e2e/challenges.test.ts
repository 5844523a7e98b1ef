import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { docker, freshStateDir, ownsTheLab, runLab } from '../helpers/run-lab.js';

/**
 * The challenges on the real engine: each check fails on a clean stage, passes after the reference
 * solution kept in the lesson folder, and fails again after a sabotage.
 */
const solution = (folder: string): string =>
  execFileSync('bash', [`lessons/${folder}/challenge.solution.sh`], { encoding: 'utf8', env: { ...process.env, DOCKER_REPOSITORY: 'localhost:5000' }, stdio: ['ignore', 'pipe', 'pipe'] });

describe('the challenges on a real engine', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };

  ownsTheLab(env);

  it('stage 3: server_11 added to a running load balancer by a reload; a restart instead fails it', async () => {
    expect((await runLab(['solve', 'load-balancing'], env)).code).toBe(0);
    const before = await runLab(['check', 'load-balancing', '--challenge'], env);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('There is no container named server_11.');
    // Started, but not in any configuration yet: the static list is the weakness.
    docker('run', '-d', '--name', 'server_11', '--network', 'simple-network', '-e', 'SERVER_NAME=server_11', 'localhost:5000/simple-server');
    const notListed = await runLab(['check', 'load-balancing', '--challenge'], env);
    expect(notListed.stdout).toMatch(/No load balancer sends requests to server_11 \(\d+\.\d+\.\d+\.\d+\): simple_haproxy_1, simple_haproxy_2/);
    solution('03-load-balancing');
    const after = await runLab(['check', 'load-balancing', '--challenge'], env);
    expect(after.stdout).toMatch(/✔ .*simple_haproxy_1, running since .* was reloaded to send requests to server_11: \d+ of 24 requests answered by it, none failed/);
    expect(after.code).toBe(0);
    const status = JSON.parse((await runLab(['status', '--json'], env)).stdout) as { stages: { id: string; challenge: string | null }[] };
    expect(status.stages.filter((stage) => stage.challenge !== null).map((stage) => [stage.id, stage.challenge])).toEqual([
      ['load-balancing', 'passed'],
      ['service-discovery', 'not tried'],
      ['multi-host', 'not tried'],
      ['orchestration', 'not tried'],
    ]);
    // The same configuration, restarted rather than reloaded: the requests it held were dropped.
    docker('restart', '-t', '1', 'simple_haproxy_1');
    const restarted = await runLab(['check', 'load-balancing', '--challenge'], env);
    expect(restarted.code).toBe(1);
    expect(restarted.stdout).toMatch(/simple_haproxy_1 lists server_11, but it was started at .*, after server_11/);
  }, 240_000);

  it("stage 4: the load balancer registered in Consul with a check of its own; without one, or deregistered, it fails", async () => {
    expect((await runLab(['solve', 'service-discovery'], env)).code).toBe(0);
    const before = await runLab(['check', 'service-discovery', '--challenge'], env);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('The catalog has no service simple-haproxy');
    solution('04-service-discovery');
    const after = await runLab(['check', 'service-discovery', '--challenge'], env);
    expect(after.stdout).toMatch(/✔ .*The catalog lists simple-haproxy on simple_haproxy_1 \(\d+\.\d+\.\d+\.\d+:80\), its own health check passing/);
    expect(after.code).toBe(0);
    docker('exec', 'simple_haproxy_1_agent', 'consul', 'services', 'deregister', '-id=simple-haproxy');
    const gone = await runLab(['check', 'service-discovery', '--challenge'], env);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toContain('The catalog has no service simple-haproxy');
    // Registered with no check of its own: it would pass with HAProxy stopped.
    docker('exec', 'simple_haproxy_1_agent', 'consul', 'services', 'register', '-name=simple-haproxy', '-port=80');
    const unchecked = await runLab(['check', 'service-discovery', '--challenge'], env);
    expect(unchecked.code).toBe(1);
    expect(unchecked.stdout).toContain('without a health check of its own');
  }, 300_000);
});
