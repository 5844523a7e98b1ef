import { describe, expect, it } from '@jest/globals';
import { healthDrill, healthDrillSpec, type HealthDrillFacts } from '../../src/checks/health-drill.js';
import { z } from 'zod';

const spec = healthDrillSpec(z).parse({ kind: 'health-drill', title: 'break it' });
const passed: HealthDrillFacts = {
  missing: [],
  dockerHealth: 'healthy',
  outMs: 1_040,
  served: ['server_1', 'server_3', 'server_4'].flatMap((server) => Array.from({ length: 4 }, () => ({ server }))),
  keptRunning: true,
  backMs: 980,
  load: { sent: 34, failed: 0, errors: [], durationMs: 1_900 },
};
const judge = (facts: Partial<HealthDrillFacts>) => healthDrill.judge(spec, { ...passed, ...facts });

describe('the health drill, judged over what it saw', () => {
  it('passes: out of rotation in time, no failed request, none to the sick server, still running, back when healed', () => {
    expect(judge({})).toEqual({
      status: 'pass',
      summary: "server_2 failed its health check and kept running; Consul and simple_haproxy_1 left it out in 1.0 s, 0 of 34 requests failed, none went to it; healed, it was back in 1.0 s. Docker's own check, every 30 s, said healthy at the time: after two failures in a row `docker ps` shows (unhealthy).",
    });
  });

  it('fails when the load balancer kept the sick server, naming who answered', () => {
    expect(judge({ outMs: undefined, notOut: 'simple_haproxy_1 still sends requests to server_2 (172.19.0.8:8080), not passing in Consul.' }).summary).toBe(
      'server_2 failed its health check, but Consul and simple_haproxy_1 did not leave it out within 10 s: simple_haproxy_1 still sends requests to server_2 (172.19.0.8:8080), not passing in Consul.',
    );
    expect(judge({ served: ['server_1', 'server_2'].flatMap((server) => Array.from({ length: 6 }, () => ({ server }))) }).summary).toBe('Once Consul had left server_2 out, requests through simple_haproxy_1 were still answered so: server_1 ×6, server_2 ×6.');
  });

  it('fails on failed requests, a restart, an image without HEALTHCHECK, a server that does not come back, and a lab not ready', () => {
    expect(judge({ load: { sent: 40, failed: 3, errors: ['status 503'], durationMs: 2_000 } }).summary).toBe('3 of 40 requests through simple_haproxy_1 failed while server_2 was sick (status 503).');
    expect(judge({ keptRunning: false }).summary).toMatch(/^server_2 was stopped or restarted during the drill/);
    expect(judge({ dockerHealth: undefined }).summary).toBe("server_2 has no health check of Docker's own: its image was built without HEALTHCHECK.");
    expect(judge({ backMs: undefined, notBack: 'did not converge' }).summary).toMatch(/^Healed, server_2 did not come back/);
    expect(judge({ missing: ['server_2'] }).summary).toBe('The drill needs server_2 running, from the lab.');
    expect(judge({ notReady: 'no Consul server answers' }).summary).toBe('Not ready for the drill: no Consul server answers');
  });
});
