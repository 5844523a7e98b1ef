import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parseHaproxyLog } from '../../src/checks/haproxy-log.js';
import { judgeNamesServers } from '../../src/checks/load-balancers.js';

// Stage 4's proof, as in the article: HAProxy's log names the server container that answered each
// request. Recorded here (HAProxy 2.6, docker 20.10): `lab deploy -c -l 1 5` in each mode, then
// requests through 127.0.0.1:8181, then `docker logs simple_haproxy_1`.
const recorded = (name: string) =>
  parseHaproxyLog(readFileSync(new URL(`../fixtures/haproxy/${name}.log`, import.meta.url), 'utf8').split('\n').filter((line) => line !== ''));
const running = ['server_1', 'server_2', 'server_3', 'server_4', 'server_5'];

describe('the log names the servers', () => {
  it('passes on a watch-mode log: a server line per container, and the log names them', () => {
    expect(judgeNamesServers(recorded('watch-mode'), 6, running, 'simple_haproxy_1')).toBeUndefined();
  });

  it("fails on a DNS-mode log, saying it names HAProxy's numbered slots", () => {
    const judgement = judgeNamesServers(recorded('dns-mode'), 6, running, 'simple_haproxy_1');
    expect(judgement?.status).toBe('fail');
    expect(judgement?.summary).toMatch(/^simple_haproxy_1's log names server\d+/);
    expect(judgement?.hint).toContain('numbered slots');
  });

  it('fails, without speaking of slots, on a log naming a container that no longer runs', () => {
    const judgement = judgeNamesServers(recorded('watch-mode'), 6, running.filter((server) => server !== 'server_2'), 'simple_haproxy_1');
    expect(judgement?.summary).toContain('names server_2');
    expect(judgement?.hint).not.toContain('slots');
  });
});
