import { describe, expect, it } from '@jest/globals';
import { judgeScaledOut, type Deployed } from '../../src/checks/scaled-out.js';

// Deploy ids are the deploy's time in base 36 (src/cli/commands/deploy.ts).
const at = (ms: number) => ms.toString(36);
const kept = ['simple_haproxy_1', 'simple_consul_1'];
const made = (name: string, ms: number, running = true): Deployed => ({ name, running, deploy: at(ms) });
const servers = (ms: number) => [1, 2, 3].map((n) => made(`server_${n}`, ms));

describe('the scaled-out judge', () => {
  it('passes when the servers came from a later deploy than the load balancer and Consul', () => {
    const judgement = judgeScaledOut(kept, { kept: [made('simple_haproxy_1', 1_000), made('simple_consul_1', 1_000)], servers: servers(9_000) });
    expect(judgement.status).toBe('pass');
    expect(judgement.summary).toContain('server_1…server_3 (3)');
  });

  it('fails when everything came from one deploy (`lab deploy -c -l 1 8`), naming what was re-created', () => {
    const judgement = judgeScaledOut(kept, { kept: [made('simple_haproxy_1', 5_000), made('simple_consul_1', 1_000)], servers: servers(5_000) });
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toMatch(/^simple_haproxy_1 was deployed with the servers/);
    expect(judgement.hint).toContain('no -c, no -l');
  });

  it('fails when what should be kept is not running, or no server runs', () => {
    expect(judgeScaledOut(kept, { kept: [made('simple_haproxy_1', 1_000, false), made('simple_consul_1', 1_000)], servers: servers(9_000) }).summary).toBe('simple_haproxy_1 is not running.');
    expect(judgeScaledOut(kept, { kept: [made('simple_haproxy_1', 1_000), made('simple_consul_1', 1_000)], servers: [] }).summary).toBe('No server is running.');
  });

  it('counts a container without a deploy label (made by hand) as not kept', () => {
    const judgement = judgeScaledOut(kept, { kept: [{ name: 'simple_haproxy_1', running: true }, made('simple_consul_1', 1_000)], servers: servers(9_000) });
    expect(judgement.status).toBe('fail');
  });
});
