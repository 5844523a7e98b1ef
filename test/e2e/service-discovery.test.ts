import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkUntil, docker, failedLines, freshStateDir, ownsTheLab, runLab } from '../helpers/run-lab.js';

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

  it('scales on demand: `lab deploy 10` keeps the load balancer and Consul (same ids), and the running load balancer reaches all 10 within seconds', async () => {
    const kept = () => docker('ps', '-q', '--no-trunc', '--filter', 'name=simple_haproxy_1', '--filter', 'name=simple_consul_').split('\n').sort();
    const before = kept();
    expect(before).toHaveLength(7); // the load balancer, its agent and five Consul servers
    const live = () => liveServers().filter((server) => server.up).length;
    const started = Date.now();
    expect((await runLab(['deploy', '10'], env)).code).toBe(0);
    const deployed = Date.now();
    while (live() < 10 && Date.now() - deployed < 30_000) await new Promise((resolve) => setTimeout(resolve, 200));
    process.stdout.write(`lab deploy 10: ${deployed - started} ms; the running LB reached all 10 servers ${Date.now() - started} ms after it started (${Date.now() - deployed} ms after it returned)\n`);
    expect(live()).toBe(10);
    expect(kept()).toEqual(before);
    const run = await checkUntil('service-discovery', env, 0, 20_000);
    expect(run.stdout).toMatch(/✔ scaled on demand.*server_1…server_10 \(10\)/);
  }, 180_000);

  it('recovers from a lost reload: two reloads 10 ms apart leave HAProxy on the servers its configuration lists within seconds', async () => {
    // HAProxy's master drops a SIGUSR2 that arrives while it re-executes itself for the one before:
    // the worker then keeps the first file. consul/watch-reload.sh compares the live servers with
    // the file on every report (the reload restarts the watch, which reports at once).
    const config = '/usr/local/etc/haproxy/haproxy.cfg';
    const listed = () => docker('exec', 'simple_haproxy_1', 'awk', '$1 == "server" { print $2 }', config).split('\n').join(' ');
    const names = () => liveServers().map((server) => server.name).join(' ');
    expect(names()).toBe(listed());
    docker('exec', 'simple_haproxy_1', 'sh', '-c', `cp ${config} /tmp/full.cfg && grep -v ' server_2 ' /tmp/full.cfg > ${config} && kill -USR2 1 && sleep 0.01 && cat /tmp/full.cfg > ${config} && kill -USR2 1`);
    const started = Date.now();
    while (names() !== listed() && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 200));
    process.stdout.write(`lost reload: HAProxy runs the listed servers again after ${Date.now() - started} ms\n`);
    expect(names()).toBe(listed());
    expect(listed()).toContain('server_2');
  }, 60_000);

  it('fails the scale-out check after a deploy that re-creates everything', async () => {
    expect((await runLab(['deploy', '-c', '-l', '1', '5'], env)).code).toBe(0);
    const run = await runLab(['check', 'service-discovery'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✖ scaled on demand.*simple_haproxy_1, simple_consul_1.* deployed with the servers or after them/);
    // Scaled on demand again: the stage passes, for the tests after this one.
    expect((await runLab(['deploy', '5'], env)).code).toBe(0);
    // Each try runs the drill too; CI once saw 30 s go by here (what failed was not printed then).
    const after = await checkUntil('service-discovery', env, 0, 75_000);
    expect({ code: after.code, failed: failedLines(after) }).toEqual({ code: 0, failed: [] });
  }, 300_000);

  it("fails the health drill when the load balancer stops following the catalog, and heals the server it made sick", async () => {
    // The load balancer's watch is paused: Consul marks the sick server critical, but nobody rewrites the LB.
    docker('pause', 'simple_haproxy_1_agent');
    let run;
    try {
      run = await runLab(['check', 'service-discovery'], env);
    } finally {
      docker('unpause', 'simple_haproxy_1_agent');
    }
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✖ break it: server_2 fails its health check.*server_2 failed its health check, but Consul and simple_haproxy_1 did not leave it out within 10 s/);
    // The drill flipped the switch back: server_2 answers its health check again.
    expect(docker('exec', 'server_2', 'python3', 'simple-server.pyz', 'health')).toContain('"status": "ok"');
    const after = await checkUntil('service-discovery', env, 0, 75_000);
    expect({ code: after.code, failed: failedLines(after) }).toEqual({ code: 0, failed: [] });
  }, 240_000);

  it('names the server whose agent is stuck: the catalog no longer matches', async () => {
    // Paused, not stopped: a stopped agent is removed by the engine (it is part of its server).
    docker('pause', 'server_2_agent');
    // Consul's gossip marks a silent agent failed within seconds; the check reads what Consul says.
    const started = Date.now();
    while (!/server_2\s+\S+\s+failed/.test(docker('exec', 'simple_consul_1', 'consul', 'members')) && Date.now() - started < 30_000) await new Promise((resolve) => setTimeout(resolve, 500));
    const run = await runLab(['check', 'service-discovery'], env);
    docker('unpause', 'server_2_agent');
    expect(run.stdout).toContain('server_2_agent');
    expect(run.stdout).toContain('server_2 (');
    expect(run.code).toBe(1);
    const after = await checkUntil('service-discovery', env, 0, 75_000);
    expect({ code: after.code, failed: failedLines(after) }).toEqual({ code: 0, failed: [] });
  }, 180_000);

  it('says quorum is lost when three of five Consul servers stop', async () => {
    docker('stop', '-t', '1', 'simple_consul_3', 'simple_consul_4', 'simple_consul_5');
    const run = await checkUntil('service-discovery', env, 1);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/simple_consul_3/);
    expect(run.stdout).toMatch(/quorum needs 3|not alive/);
  }, 120_000);

  it("leaves no orphan agent: `docker rm -f server_1` ends server_1_agent with it, and the engine removes it", async () => {
    const agents = () => docker('ps', '-a', '--filter', 'label=dev.dockerlab.role=consul-agent', '--format', '{{.Names}}').split('\n').filter(Boolean).sort();
    expect(agents()).toContain('server_1_agent');
    const started = Date.now();
    docker('rm', '-f', 'server_1');
    while (agents().includes('server_1_agent') && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 100));
    const goneMs = Date.now() - started;
    process.stdout.write(`docker rm -f server_1 → server_1_agent gone: ${goneMs} ms\n`);
    expect(agents()).not.toContain('server_1_agent');
    expect(agents()).toContain('server_2_agent');
    expect(goneMs).toBeLessThan(10_000);
  }, 60_000);
});

describe('stage service-discovery with DNS-mode load balancers', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };

  ownsTheLab(env);

  it("passes every check but the log's, the drill included, and the log check says the log names slots, not servers", async () => {
    expect((await runLab(['deploy', '-c', '-l', '1', '--lb-mode', 'dns', '5'], env)).code).toBe(0);
    // Scaling on demand works in this mode too: the slots fill from Consul's answer.
    expect((await runLab(['deploy', '6'], env)).code).toBe(0);
    // Until everything else has converged (a deploy waits for the leader, not for the catalog).
    const failures = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('✖'));
    const started = Date.now();
    let run = await runLab(['check', 'service-discovery'], env);
    while (failures(run.stdout).length > 1 && Date.now() - started < 30_000) run = await runLab(['check', 'service-discovery'], env);
    const failed = failures(run.stdout);
    expect(run.code).toBe(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain("HAProxy's own log names the servers");
    expect(run.stdout).toMatch(/simple_haproxy_1's log names server\d+/);
    expect(run.stdout).toContain('numbered slots');
    expect(run.stdout).toMatch(/0 of \d+ requests failed/);
    expect(docker('exec', 'simple_haproxy_1', 'grep', '-c', 'server-template', '/usr/local/etc/haproxy/haproxy.cfg')).toBe('1');
  }, 180_000);
});

/** The backend's servers as simple_haproxy_1's running worker has them (its runtime API), in order. */
function liveServers(): { name: string; up: boolean }[] {
  // During a reload the runtime API may not answer: no servers then.
  const state = docker('exec', 'simple_haproxy_1', 'sh', '-c', 'echo "show servers state webservers" | socat stdio /var/run/haproxy.sock || true');
  return state
    .split('\n')
    .map((line) => /^\d+ webservers \d+ (\S+) \S+ (\d+) /.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ name: match[1] ?? '', up: match[2] === '2' }));
}
