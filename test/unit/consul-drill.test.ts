import { describe, expect, it } from '@jest/globals';
import { consulDrill } from '../../src/checks/consul-drill.js';

const spec = { kind: 'consul-drill' as const, title: 'drill', remove: ['server_1', 'server_4', 'simple_consul_3'], lb: 'simple_haproxy_1', servers: 5, rate: 50, deadline: 15_000 };
const load = (failed: number) => ({ sent: 600, failed, errors: failed ? ['ECONNRESET'] : [], durationMs: 12_000 });

describe('the drill judge', () => {
  it('passes when quorum held, everything converged and no request failed, giving the figures', () => {
    const result = consulDrill.judge(spec, { missing: [], convergedMs: 1_400, rejoinedMs: 2_100, load: load(0) });
    expect(result.status).toBe('pass');
    expect(result.summary).toContain('converged 1.4 s after server_1, server_4, simple_consul_3 were removed; 0 of 600 requests failed');
    expect(result.summary).toContain('rejoined in 2.1 s');
  });

  it('fails when a request failed, however fast it converged', () => {
    const result = consulDrill.judge(spec, { missing: [], convergedMs: 900, rejoinedMs: 1_000, load: load(2) });
    expect(result.summary).toBe('2 of 600 requests through simple_haproxy_1 failed during the drill (ECONNRESET).');
  });

  it('fails naming what did not converge by the deadline', () => {
    const result = consulDrill.judge(spec, { missing: [], notConverged: 'No leader: 2 of 5 servers alive, quorum needs 3.', load: load(0) });
    expect(result.summary).toContain('did not agree within 15 s: No leader');
  });

  it('refuses to start without what it removes, pointing at the deploy', () => {
    const result = consulDrill.judge(spec, { missing: ['server_4'] });
    expect(result.summary).toBe('The drill needs server_4 running, from the lab.');
    expect(result.hint).toContain('lab deploy -c -l 1 5');
  });

  it('does not start while the system already disagrees', () => {
    const result = consulDrill.judge(spec, { missing: [], notConverged: 'before the drill: simple_haproxy_1 does not exist' });
    expect(result.summary).toBe('Not ready for the drill: simple_haproxy_1 does not exist');
  });

  it('fails when the removed containers do not come back', () => {
    expect(consulDrill.judge(spec, { missing: [], convergedMs: 1_000, notRejoined: 'server_1 runs but is not passing', load: load(0) }).summary).toContain('did not rejoin');
  });
});
