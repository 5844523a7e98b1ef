import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkUntil, docker, freshStateDir, ownsTheLab, runLab } from '../helpers/run-lab.js';

/**
 * Stage 4 on the real engine: the checks fail before the work, pass after `lab solve`, and fail
 * after sabotage. These tests own the lab's resources: they start from `lab reset --all`.
 */
describe('stage service-discovery on a real engine', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };

  ownsTheLab(env);

  it('fails before Consul is deployed, saying no Consul server answers', async () => {
    const run = await runLab(['check', 'service-discovery'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('No Consul server answers');
  }, 60_000);

  it('passes after `lab solve`: leader, catalog and load balancer agree', async () => {
    const run = await runLab(['solve', 'service-discovery'], env);
    expect(run.stdout).toContain('a leader is elected and all 5 servers are members');
    expect({ code: run.code, failed: run.stdout.split('\n').filter((line) => line.startsWith('✖')) }).toEqual({ code: 0, failed: [] });
  }, 120_000);

  it('`lab report` and `lab check --all` only look: every container keeps its id (the drill is named, not run)', async () => {
    const ids = () => docker('ps', '-aq', '--no-trunc', '--filter', 'label=dev.dockerlab.managed=true').split('\n').sort();
    const before = ids();
    expect(before.length).toBeGreaterThan(10);
    const out = join(env.LAB_STATE_DIR, 'report.md');
    const report = await runLab(['report', 'service-discovery', '--out', out], env);
    expect(report.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/Not run, because they act on the lab[^\n]*"the drill: server_1, server_4 and simple_consul_3 removed/);
    const all = await runLab(['check', '--all'], env);
    expect(all.stdout).toContain('Drills were not run');
    expect(all.code).toBe(0);
    expect(ids()).toEqual(before);
  }, 120_000);

  it('names the server whose agent stopped: the catalog no longer matches', async () => {
    docker('stop', '-t', '10', 'server_2_agent');
    const run = await checkUntil('service-discovery', env, 1);
    expect(run.stdout).toContain('server_2_agent');
    expect(run.stdout).toContain('server_2 (');
    expect(run.code).toBe(1);
    docker('start', 'server_2_agent');
    expect((await checkUntil('service-discovery', env, 0)).code).toBe(0);
  }, 120_000);

  it('says quorum is lost when three of five Consul servers stop', async () => {
    docker('stop', '-t', '1', 'simple_consul_3', 'simple_consul_4', 'simple_consul_5');
    const run = await checkUntil('service-discovery', env, 1);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/simple_consul_3/);
    expect(run.stdout).toMatch(/quorum needs 3|not alive/);
  }, 120_000);
});

describe('stage service-discovery with watch-mode load balancers', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };

  ownsTheLab(env);

  it('passes every check, the drill included, when consul watch rewrites and reloads HAProxy', async () => {
    expect((await runLab(['deploy', '-c', '-l', '1', '--lb-mode', 'watch', '5'], env)).code).toBe(0);
    const run = await checkUntil('service-discovery', env, 0, 20_000);
    expect({ code: run.code, failed: run.stdout.split('\n').filter((line) => line.startsWith('✖')) }).toEqual({ code: 0, failed: [] });
    expect(run.stdout).toMatch(/0 of \d+ requests failed/);
    expect(docker('exec', 'simple_haproxy_1', 'grep', '-c', '^    server server_', '/usr/local/etc/haproxy/haproxy.cfg')).toBe('5');
  }, 180_000);
});
