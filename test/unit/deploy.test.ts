import { describe, expect, it } from '@jest/globals';
import { eachLimited } from '../../src/deploy/apply.js';
import { lbPort, parseDeployOptions } from '../../src/deploy/options.js';
import { byIndex, planAsCommands, planDeploy } from '../../src/deploy/plan.js';
import { EnvironmentError, UsageError } from '../../src/errors.js';
import type { ContainerFacts } from '../../src/runtime/docker.js';

const container = (name: string, labels: Record<string, string>): ContainerFacts => ({
  id: `id-${name}`,
  name,
  image: 'localhost:5000/simple-server',
  imageId: 'sha256:x',
  running: true,
  state: 'running',
  exitCode: 0,
  labels,
  ports: [],
  networks: {},
});
const lab = (role: string) => ({ 'dev.dockerlab.managed': 'true', 'dev.dockerlab.role': role });
const options = (over = {}) => ({ servers: 3, lbs: 0, prefix: 'server', consul: false, consulServers: 5, lbMode: 'dns' as const, dryRun: false, ...over });

const usage = (raw: Parameters<typeof parseDeployOptions>[0]): UsageError => {
  try {
    parseDeployOptions(raw);
  } catch (error) {
    return error as UsageError;
  }
  throw new Error('expected a usage error');
};

describe('lab deploy options', () => {
  it('reads the article\'s options', () => {
    expect(parseDeployOptions({ servers: '10', lb: '3', prefix: 'web' })).toEqual({ servers: 10, lbs: 3, prefix: 'web', consul: false, consulServers: 5, lbMode: 'watch', dryRun: false });
    expect(parseDeployOptions({ servers: '4', consul: true, consulServers: '3', lbMode: 'dns' })).toMatchObject({ consul: true, consulServers: 3, lbMode: 'dns' });
  });

  it.each([['0'], ['-1'], ['201'], ['ten'], ['3.5'], ['']])('refuses %p servers with exit 2', (servers) => {
    const error = usage({ servers });
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
  });

  it('refuses a missing count, a bad LB count and a bad prefix', () => {
    expect(usage({}).message).toContain('how many servers');
    expect(usage({ servers: '2', lb: '0' }).message).toContain('between 1 and 9');
    expect(usage({ servers: '2', prefix: 'Bad Name' }).message).toContain('prefix');
  });

  it('refuses Consul options without -c, and bad ones with it', () => {
    expect(usage({ servers: '2', consulServers: '3' }).message).toContain('goes with -c');
    expect(usage({ servers: '2', consul: true, consulServers: '0' }).message).toContain('between 1 and 9');
    expect(usage({ servers: '2', consul: true, lbMode: 'magic' }).message).toContain('"dns" or "watch"');
  });

  it('publishes load balancers on the article\'s port pattern', () => {
    expect([1, 2, 3].map(lbPort)).toEqual([8181, 8282, 8383]);
  });
});

describe('the deploy plan', () => {
  it('replaces the lab\'s old servers of the same prefix, whatever their count', () => {
    const existing = [container('server_1', lab('server')), container('server_12', lab('server')), container('simple-server-test', lab('server')), container('web_1', lab('server'))];
    const plan = planDeploy(options(), existing, 'd1');
    expect(plan.remove).toEqual(['server_1', 'server_12']);
    expect(plan.servers.map((s) => s.name)).toEqual(['server_1', 'server_2', 'server_3']);
    expect(plan.servers[0]!.labels).toMatchObject({ 'dev.dockerlab.managed': 'true', 'dev.dockerlab.role': 'server', 'dev.dockerlab.deploy': 'd1' });
  });

  it('refuses, naming it, when a container that is not the lab\'s has a name it needs', () => {
    const existing = [container('server_2', { 'com.example': 'mine' })];
    expect(() => planDeploy(options(), existing, 'd1')).toThrow(EnvironmentError);
    expect(() => planDeploy(options(), existing, 'd1')).toThrow(/server_2 exists and is not the lab's/);
  });

  it('ignores strangers whose names it does not need', () => {
    expect(planDeploy(options(), [container('server_9', {})], 'd1').remove).toEqual([]);
  });

  it('replaces load balancers only when deploying some', () => {
    const existing = [container('simple_haproxy_1', lab('lb'))];
    expect(planDeploy(options(), existing, 'd1').remove).toEqual([]);
    const plan = planDeploy(options({ lbs: 2 }), existing, 'd1');
    expect(plan.remove).toEqual(['simple_haproxy_1']);
    expect(plan.lbs.map((lb) => lb.spec.ports)).toEqual([[{ containerPort: 80, hostPort: 8181 }], [{ containerPort: 80, hostPort: 8282 }]]);
    expect(plan.lbs[0]!.config).toContain('server server_3 server_3:8080');
  });

  it('scales on demand: with the lab\'s Consul running, `lab deploy 8` replaces only the servers and their agents, which join it', () => {
    const consul = [1, 2, 3, 4, 5].map((n) => container(`simple_consul_${n}`, lab('consul')));
    const existing = [
      ...consul,
      container('simple_haproxy_1', lab('lb')),
      container('simple_haproxy_1_agent', { ...lab('consul-agent'), 'dev.dockerlab.agent-of': 'simple_haproxy_1' }),
      ...[1, 2, 3, 4, 5].flatMap((n) => [container(`server_${n}`, lab('server')), container(`server_${n}_agent`, { ...lab('consul-agent'), 'dev.dockerlab.agent-of': `server_${n}` })]),
    ];
    const plan = planDeploy(options({ servers: 8, lbMode: 'watch' }), existing, 'd2');
    expect(plan.remove).toEqual([1, 2, 3, 4, 5].flatMap((n) => [`server_${n}`, `server_${n}_agent`]).sort(byIndex));
    expect(plan.leave).toEqual([1, 2, 3, 4, 5].map((n) => `server_${n}_agent`));
    expect(planAsCommands(plan)[1]).toBe('docker stop server_1_agent server_2_agent server_3_agent server_4_agent server_5_agent');
    expect(plan.consulServers).toEqual([]);
    expect(plan.lbs).toEqual([]);
    expect(plan.lbAgents).toEqual([]);
    expect(plan.agents.map((agent) => agent.name)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `server_${n}_agent`));
    expect(plan.agents[7]!.command).toEqual(expect.arrayContaining(['-join=simple_consul_1', '-join=simple_consul_5']));
    // A Consul server that is not running is not one to join.
    const stopped = existing.map((c) => (c.name === 'simple_consul_5' ? { ...c, running: false } : c));
    expect(planDeploy(options({ servers: 2 }), stopped, 'd3').agents[0]!.command).not.toContain('-join=simple_consul_5');
    // -l with Consul running: load balancers that follow it, replaced; -c: the Consul servers too.
    const withLb = planDeploy(options({ servers: 8, lbs: 1, lbMode: 'watch' }), existing, 'd4');
    expect(withLb.remove).toEqual(expect.arrayContaining(['simple_haproxy_1', 'simple_haproxy_1_agent']));
    expect(withLb.remove).not.toContain('simple_consul_1');
    expect(withLb.lbAgents.map((agent) => agent.name)).toEqual(['simple_haproxy_1_agent']);
    expect(planDeploy(options({ servers: 8, consul: true }), existing, 'd5').remove).toEqual(expect.arrayContaining(['simple_consul_1', 'simple_consul_5']));
  });

  it('refuses --lb-mode when there is no Consul to follow', () => {
    expect(() => planDeploy(options({ lbs: 1, lbMode: 'dns', lbModeGiven: true }), [], 'd6')).toThrow('no Consul runs');
  });

  it('prints the docker commands it stands for, one per line', () => {
    const plan = planDeploy(options({ servers: 2, lbs: 1 }), [container('server_5', lab('server'))], 'd1');
    const lines = planAsCommands(plan, '/state/haproxy');
    expect(lines[0]).toContain('docker network create');
    expect(lines[1]).toBe('docker rm -f server_5');
    expect(lines[2]).toBe(
      'docker run -d --name server_1 --network simple-network -e SERVER_NAME=server_1 --label dev.dockerlab.managed=true --label dev.dockerlab.stage=horizontal-scale --label dev.dockerlab.role=server --label dev.dockerlab.deploy=d1 --label dev.dockerlab.prefix=server localhost:5000/simple-server',
    );
    expect(lines.slice(4)).toEqual([
      expect.stringMatching(/^docker create --name simple_haproxy_1 --network simple-network -p 127.0.0.1:8181:80 /),
      expect.stringMatching(/^docker cp \/state\/haproxy\/simple_haproxy_1.cfg simple_haproxy_1:/),
      'docker start simple_haproxy_1',
    ]);
  });

  it('sorts names by their number', () => {
    expect(['server_10', 'server_2', 'server_1'].sort(byIndex)).toEqual(['server_1', 'server_2', 'server_10']);
  });
});

describe('bounded parallelism', () => {
  it('never runs more than the limit at once and finishes everything', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await eachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      done.push(n);
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('stops taking new work after a failure and reports it', async () => {
    const seen: number[] = [];
    await expect(eachLimited([1, 2, 3, 4], 1, async (n) => { seen.push(n); if (n === 2) throw new Error('boom'); })).rejects.toThrow('boom');
    expect(seen).toEqual([1, 2]);
  });
});
