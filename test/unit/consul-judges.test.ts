import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  catalogSettling,
  judgeCatalog,
  judgeLbBackends,
  judgeQuorum,
  parseHealthService,
  parseLeader,
  parseMembers,
  parseShowServersState,
  parseShowStat,
  passingInstances,
  quorumSettling,
  type CatalogFacts,
  type QuorumFacts,
} from '../../src/checks/consul-judges.js';

/*
 * Fixtures recorded from real containers (Consul 1.8.7, HAProxy 2.6.12): 3 Consul servers, server_1..3
 * with agent sidecars, a DNS-mode LB (simple_haproxy_1) and a watch-mode LB (simple_haproxy_2).
 * Each consul/*.json holds the raw answers ({status, body}) of one server's API at one moment.
 */
interface Answer {
  status: number;
  body: unknown;
}
interface Recording {
  note: string;
  runningServers: string[];
  leader: Answer;
  members: Answer;
  passing: Answer;
  health: Answer;
}

const recording = (name: string): Recording => JSON.parse(readFileSync(new URL(`../fixtures/consul/${name}.json`, import.meta.url), 'utf8')) as Recording;
const runtime = (name: string): string => readFileSync(new URL(`../fixtures/haproxy/runtime-${name}.txt`, import.meta.url), 'utf8');
const consulServers = ['simple_consul_1', 'simple_consul_2', 'simple_consul_3'];

const quorumFacts = (name: string): QuorumFacts => {
  const r = recording(name);
  return { expectedServers: consulServers, leader: parseLeader(r.leader.body), members: parseMembers(r.members.body), errors: {} };
};
const catalogFacts = (name: string): CatalogFacts => {
  const r = recording(name);
  if (r.passing.status !== 200) return { running: r.runningServers, passing: [], error: String(r.passing.body) };
  return { running: r.runningServers, passing: passingInstances(parseHealthService(r.passing.body)), health: parseHealthService(r.health.body) };
};
const catalog = (name: string) => catalogFacts(name).passing;

describe('Consul API parsers', () => {
  it('reads members with their state and role', () => {
    const members = parseMembers(recording('no-quorum').members.body);
    expect(members.filter((m) => m.role === 'server').map((m) => [m.name, m.status])).toEqual([
      ['simple_consul_1', 'alive'],
      ['simple_consul_2', 'failed'],
      ['simple_consul_3', 'left'],
    ]);
    expect(members.find((m) => m.name === 'server_1')).toEqual({ name: 'server_1', address: '172.28.0.5', status: 'alive', role: 'client' });
  });

  it('reads the passing instances with the node address when the service has none of its own', () => {
    expect(catalog('healthy')).toEqual([
      { node: 'server_1', address: '172.28.0.5', port: 8080 },
      { node: 'server_2', address: '172.28.0.6', port: 8080 },
      { node: 'server_3', address: '172.28.0.7', port: 8080 },
    ]);
  });

  it('keeps an instance out of the passing ones when its node fails gossip', () => {
    const health = parseHealthService(recording('server-removed').health.body);
    expect(health.find((entry) => entry.node === 'server_3')?.checks.map((check) => [check.id, check.status])).toEqual([
      ['serfHealth', 'critical'],
      ['simple-service-health', 'passing'],
    ]);
    expect(passingInstances(health).map((instance) => instance.node)).toEqual(['server_1', 'server_2']);
  });

  it('rejects an answer that is not what the endpoint returns', () => {
    expect(() => parseLeader(['172.28.0.2:8300'])).toThrow('/v1/status/leader');
    expect(() => parseMembers('No cluster leader')).toThrow('/v1/agent/members');
  });
});

describe('judgeQuorum', () => {
  it('passes with a leader and every server alive, naming the leader', () => {
    const judgement = judgeQuorum(quorumFacts('healthy'));
    expect(judgement.status).toBe('pass');
    expect(judgement.summary).toBe('simple_consul_1 leads; all 3 Consul servers are alive members (simple_consul_1, simple_consul_2, simple_consul_3).');
  });

  it('passes again once a removed server is created anew under its old name', () => {
    expect(judgeQuorum(quorumFacts('recovered')).status).toBe('pass');
  });

  it('fails naming a removed server while quorum holds', () => {
    const judgement = judgeQuorum(quorumFacts('consul-server-removed'));
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toBe('simple_consul_3 (failed) is not alive; simple_consul_1 leads and quorum holds (2 of 3 alive, 2 needed).');
    expect(judgement.hint).toContain('docker logs simple_consul_3');
  });

  it('fails without a leader when too few servers are alive, saying what quorum needs', () => {
    const facts = quorumFacts('no-quorum');
    const judgement = judgeQuorum(facts);
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toBe('No leader: 1 of 3 servers alive, quorum needs 2. Not alive: simple_consul_2 (failed), simple_consul_3 (left).');
    expect(judgement.hint).toContain('docker logs simple_consul_2');
    expect(judgement.hint).toContain('docker start simple_consul_2');
    expect(quorumSettling(facts)).toBe(false);
  });

  it('treats a missing leader with quorum alive as an election under way', () => {
    const facts = { ...quorumFacts('healthy'), leader: '' };
    expect(judgeQuorum(facts).summary).toContain('an election is under way');
    expect(quorumSettling(facts)).toBe(true);
  });

  it('fails naming a server that is not a member at all, with the error met asking it', () => {
    const facts = { ...quorumFacts('healthy'), expectedServers: [...consulServers, 'simple_consul_4'], errors: { simple_consul_4: 'connect ECONNREFUSED 127.0.0.1:8504' } };
    expect(judgeQuorum(facts).summary).toBe(
      'simple_consul_4 (not a member: connect ECONNREFUSED 127.0.0.1:8504) is not alive; simple_consul_1 leads and quorum holds (3 of 4 alive, 3 needed).',
    );
  });

  it('believes the engine over a stale Consul: stopped server containers are not alive, nor is their stopped leader', () => {
    // Seconds after `docker stop simple_consul_2 simple_consul_3`: gossip still says alive, and simple_consul_1 still names simple_consul_2 leader.
    const healthy = quorumFacts('healthy');
    const leaderAddress = healthy.members.find((m) => m.name === 'simple_consul_2')?.address ?? '';
    const facts = { ...healthy, leader: `${leaderAddress}:8300`, running: ['simple_consul_1'] };
    expect(judgeQuorum(facts).summary).toBe(
      'No leader: 1 of 3 servers alive, quorum needs 2. Not alive: simple_consul_2 (its container is not running), simple_consul_3 (its container is not running).',
    );
    expect(quorumSettling(facts)).toBe(false);
    expect(judgeQuorum({ ...healthy, running: [...consulServers] }).status).toBe('pass');
  });

  it('fails when a container named as a server runs as a client agent', () => {
    const facts = { ...quorumFacts('healthy'), expectedServers: ['simple_consul_1', 'server_1'] };
    expect(judgeQuorum(facts).summary).toContain('server_1 (a client agent, not a server)');
  });

  it('fails when no server answers, with each error', () => {
    const judgement = judgeQuorum({ expectedServers: consulServers, leader: '', members: [], errors: { simple_consul_1: 'connect ECONNREFUSED 127.0.0.1:8501' } });
    expect(judgement.summary).toBe('No Consul server answers (simple_consul_1: connect ECONNREFUSED 127.0.0.1:8501).');
    expect(judgement.hint).toContain('lab deploy -c');
  });
});

describe('judgeCatalog', () => {
  it('passes when the passing instances are the running servers', () => {
    expect(judgeCatalog(catalogFacts('healthy'))).toEqual({ status: 'pass', summary: "The catalog's 3 passing simple-service instances are the running servers: server_1, server_2, server_3." });
    expect(judgeCatalog(catalogFacts('server-removed')).status).toBe('pass');
  });

  it('fails naming a catalog entry whose server was just removed, and calls it settling', () => {
    const facts = catalogFacts('server-removed-lagging');
    const judgement = judgeCatalog(facts);
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toBe('The catalog lists server_3 (172.28.0.7:8080) as passing, but no such server runs.');
    expect(catalogSettling(facts)).toBe(true);
  });

  it('fails naming a running server whose agent stopped, pointing at the agent', () => {
    const facts = catalogFacts('agent-stopped');
    const judgement = judgeCatalog(facts);
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toBe('server_2 (not registered: its agent is not running or left) runs but is not a passing instance of simple-service.');
    expect(judgement.hint).toContain('docker logs server_2_agent');
    expect(judgement.hint).toContain('server_2_agent, which lives and dies with it');
    expect(catalogSettling(facts)).toBe(false);
  });

  it('says which check fails for a registered server that is not passing', () => {
    const facts = catalogFacts('healthy');
    const health = facts.health!.map((entry) =>
      entry.node === 'server_2'
        ? { ...entry, checks: entry.checks.map((check) => (check.id === 'simple-service-health' ? { ...check, status: 'critical', output: 'Get "http://localhost:8080/health": dial tcp 127.0.0.1:8080: connect: connection refused' } : check)) }
        : entry,
    );
    const judgement = judgeCatalog({ ...facts, health, passing: passingInstances(health) });
    expect(judgement.summary).toContain('server_2 (check simple-service-health is critical: Get "http://localhost:8080/health": dial tcp 127.0.0.1:8080: connect: connection refused)');
  });

  it('fails when the catalog cannot be read without a leader', () => {
    const judgement = judgeCatalog(catalogFacts('no-quorum'));
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toBe('The catalog cannot be read: No cluster leader.');
  });
});

describe('HAProxy runtime API parsers', () => {
  it('reads a DNS-mode backend: filled slots with their node, empty slots in maintenance', () => {
    const backends = parseShowServersState(runtime('dns-state'));
    expect(backends).toHaveLength(20);
    expect(backends.slice(0, 4)).toEqual([
      { name: 'server1', address: '172.28.0.7:8080', state: 'UP', node: 'server_3' },
      { name: 'server2', address: '172.28.0.5:8080', state: 'UP', node: 'server_1' },
      { name: 'server3', address: '172.28.0.6:8080', state: 'UP', node: 'server_2' },
      { name: 'server4', address: '', state: 'MAINT' },
    ]);
  });

  it('reads a slot whose server died as DOWN while it still holds the address', () => {
    expect(parseShowServersState(runtime('dns-server-down-state'))[0]).toEqual({ name: 'server1', address: '172.28.0.7:8080', state: 'DOWN', node: 'server_3' });
  });

  it('reads a watch-mode backend: one server per instance, named after its node', () => {
    expect(parseShowServersState(runtime('watch-state'))).toEqual([
      { name: 'server_1', address: '172.28.0.5:8080', state: 'UP' },
      { name: 'server_2', address: '172.28.0.6:8080', state: 'UP' },
      { name: 'server_3', address: '172.28.0.7:8080', state: 'UP' },
    ]);
  });

  it('reads show stat the same way, minus the node', () => {
    const fromStat = parseShowStat(runtime('dns-server-down-stat'));
    const fromState = parseShowServersState(runtime('dns-server-down-state')).map(({ name, address, state }) => ({ name, address, state }));
    expect(fromStat).toEqual(fromState);
    expect(parseShowStat(runtime('watch-stat')).map((backend) => backend.state)).toEqual(['UP', 'UP', 'UP']);
  });

  it('rejects text that is not runtime API output', () => {
    expect(() => parseShowServersState('Unknown command.')).toThrow('show servers state');
    expect(() => parseShowStat('Permission denied')).toThrow('show stat');
  });
});

describe('judgeLbBackends', () => {
  it('passes when the live backends are the passing instances, in both modes', () => {
    expect(judgeLbBackends({ lb: 'simple_haproxy_1', catalog: catalog('healthy'), backends: parseShowServersState(runtime('dns-state')) })).toEqual({
      status: 'pass',
      summary: 'simple_haproxy_1 sends requests to exactly the 3 passing instances: server_1, server_2, server_3.',
    });
    expect(judgeLbBackends({ lb: 'simple_haproxy_2', catalog: catalog('healthy'), backends: parseShowServersState(runtime('watch-state')) }).status).toBe('pass');
    expect(judgeLbBackends({ lb: 'simple_haproxy_1', catalog: catalog('healthy'), backends: parseShowStat(runtime('dns-stat')) }).status).toBe('pass');
  });

  it('passes after a removal in both modes', () => {
    expect(judgeLbBackends({ lb: 'simple_haproxy_1', catalog: catalog('server-removed'), backends: parseShowServersState(runtime('dns-server-removed-state')) }).status).toBe('pass');
    expect(judgeLbBackends({ lb: 'simple_haproxy_2', catalog: catalog('server-removed'), backends: parseShowServersState(runtime('watch-server-removed-state')) }).status).toBe('pass');
  });

  it('does not count a DOWN slot that still holds a removed server', () => {
    expect(judgeLbBackends({ lb: 'simple_haproxy_1', catalog: catalog('server-removed'), backends: parseShowServersState(runtime('dns-server-down-state')) }).status).toBe('pass');
  });

  it('follows the catalog, not the running containers: an agent stopped takes its server out of the LB', () => {
    expect(judgeLbBackends({ lb: 'simple_haproxy_1', catalog: catalog('agent-stopped'), backends: parseShowServersState(runtime('dns-agent-stopped-state')) }).status).toBe('pass');
  });

  it('fails naming a live backend the catalog no longer lists (a watch LB without its agent)', () => {
    const judgement = judgeLbBackends({ lb: 'simple_haproxy_2', catalog: catalog('watch-lb-agent-stopped'), backends: parseShowServersState(runtime('watch-stale-state')) });
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toBe('simple_haproxy_2 still sends requests to server_1 (172.28.0.5:8080), not passing in Consul.');
    expect(judgement.hint).toContain('simple_haproxy_2_agent');
    expect(judgement.hint).toContain('show servers state webservers');
  });

  it('fails naming a passing instance the LB does not send requests to, with its slot state', () => {
    const judgement = judgeLbBackends({ lb: 'simple_haproxy_1', catalog: catalog('server-removed-lagging'), backends: parseShowServersState(runtime('dns-server-down-state')) });
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toBe('simple_haproxy_1 does not send requests to server_3 (172.28.0.7:8080: server1 is DOWN), passing in Consul.');
  });

  it('says when every server-template slot is taken', () => {
    const full = parseShowServersState(runtime('dns-state')).filter((backend) => backend.address !== '');
    const extra = { node: 'server_4', address: '172.28.0.9', port: 8080 };
    const judgement = judgeLbBackends({ lb: 'simple_haproxy_1', catalog: [...catalog('healthy'), extra], backends: full });
    expect(judgement.summary).toBe('simple_haproxy_1 does not send requests to server_4 (172.28.0.9:8080), passing in Consul.');
    expect(judgement.hint).toContain('All 3 server-template slots hold a server');
  });
});
