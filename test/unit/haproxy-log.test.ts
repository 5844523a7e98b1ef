import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { judgeRoundRobin, parseHaproxyLog, type LogEvent } from '../../src/checks/haproxy-log.js';

/** Logs recorded from real HAProxy 2.6 containers of this lab (see the e2e test for how they are made). */
const fixture = (name: string): string[] =>
  readFileSync(new URL(`../fixtures/haproxy/${name}.log`, import.meta.url), 'utf8').split('\n').filter((line) => line !== '');
const events = (name: string): LogEvent[] => parseHaproxyLog(fixture(name));
const servers = ['server_1', 'server_2', 'server_3'];
const served = (list: LogEvent[]): string[] => list.flatMap((event) => (event.type === 'request' ? [event.server] : []));

/** A synthetic httplog line, as `log stdout format raw` writes it. */
const request = (server: string, retries = '0'): string =>
  `172.18.0.1:40000 [25/Nov/2026:13:12:41.909] http-in webservers/${server} 0/0/0/1/1 200 302 - - ---- 1/1/0/0/${retries} 0/0 "GET /example1.html HTTP/1.1"`;
const START = '[NOTICE]   (1) : New worker (8) forked';
const down = (server: string): string =>
  `Server webservers/${server} is DOWN, reason: Layer4 timeout, check duration: 501ms. 2 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.`;
const up = (server: string): string =>
  `Server webservers/${server} is UP, reason: Layer4 check passed, check duration: 0ms. 3 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.`;
const judge = (lines: string[], lastRequests = 9) => judgeRoundRobin(parseHaproxyLog(lines), { servers, lastRequests });

describe('parseHaproxyLog on recorded logs', () => {
  it('reads a start and each request with its frontend, backend, server and status', () => {
    const parsed = events('roundrobin-9');
    expect(parsed[0]).toEqual({ type: 'start' });
    expect(parsed[1]).toEqual({ type: 'request', frontend: 'http-in', backend: 'webservers', server: 'server_1', status: 200, retries: 0, redispatched: false });
    expect(served(parsed)).toEqual(['server_1', 'server_2', 'server_3', 'server_1', 'server_2', 'server_3', 'server_1', 'server_2', 'server_3']);
    expect(parsed).toHaveLength(10);
  });

  it('reads a server going DOWN (once from stderr, once from the log) and a request redispatched past it', () => {
    const parsed = events('server-removed');
    expect(parsed.filter((event) => event.type === 'down')).toEqual([
      { type: 'down', backend: 'webservers', server: 'server_2' },
      { type: 'down', backend: 'webservers', server: 'server_2' },
    ]);
    expect(parsed.find((event) => event.type === 'request' && event.redispatched)).toMatchObject({ server: 'server_3', retries: 1 });
  });

  it('reads every reload and restart as a start, and leaves the stop notices out', () => {
    expect(events('reload').filter((event) => event.type === 'start')).toHaveLength(2);
    expect(events('restart').filter((event) => event.type === 'start')).toHaveLength(3);
    expect(events('restart').every((event) => event.type === 'start' || event.type === 'request')).toBe(true);
  });

  it('reads a name that did not resolve at start as down, and its resolving later as up', () => {
    const parsed = events('unresolved-at-start');
    expect(parsed).toContainEqual({ type: 'down', backend: 'webservers', server: 'server_3', atStart: true });
    expect(parsed).toContainEqual({ type: 'up', backend: 'webservers', server: 'server_3' });
    expect(parsed).toContainEqual({ type: 'down', backend: 'webservers', server: 'server_1' });
  });

  it('reads a server entering and leaving maintenance', () => {
    expect(
      parseHaproxyLog([
        '[WARNING]  (28) : Server webservers/server_3 is going DOWN for maintenance. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
        'Server webservers/server_3 is UP/READY (leaving forced maintenance).',
        'Server webservers/server_1 was DOWN and now enters maintenance (DNS NX status).',
      ]),
    ).toEqual([
      { type: 'down', backend: 'webservers', server: 'server_3' },
      { type: 'up', backend: 'webservers', server: 'server_3' },
      { type: 'down', backend: 'webservers', server: 'server_1' },
    ]);
  });

  it('reads a request HAProxy answered itself as going to <NOSRV>', () => {
    const line = '172.17.0.1:47650 [25/Nov/2026:13:11:22.691] http-in http-in/<NOSRV> 0/-1/-1/-1/0 503 157 - - LR-- 1/1/0/0/0 0/0 "GET / HTTP/1.1"';
    expect(parseHaproxyLog([line])).toEqual([{ type: 'request', frontend: 'http-in', backend: 'http-in', server: '<NOSRV>', status: 503, retries: 0, redispatched: false }]);
  });

  it('ignores warnings, stop notices, DNS changes and state dumps', () => {
    expect(
      parseHaproxyLog([
        '[NOTICE]   (1) : Loading success.',
        '[NOTICE]   (1) : haproxy version is 2.6.12-1+deb12u3',
        '[NOTICE]   (1) : Reloading HAProxy',
        '[WARNING]  (8) : Proxy http-in stopped (cumulated conns: FE: 4, BE: 0).',
        'Proxy webservers stopped (cumulated conns: FE: 0, BE: 4).',
        '[WARNING]  (1) : Former worker (8) exited with code 0 (Exit)',
        '[WARNING]  (8) : webservers/server_3 changed its IP from (none) to 192.168.160.5 by docker/dns.',
        'Server webservers/server_3 administratively READY thanks to valid DNS answer.',
        '[WARNING]  (1) : SIGHUP: Server <HTTPCLIENT>/<HTTPCLIENT> is UP. Conn: 0 act, 0 pend, 0 tot.',
        '[WARNING]  (1) : Loading failure!',
        '',
      ]),
    ).toEqual([]);
  });
});

describe('judgeRoundRobin on recorded logs', () => {
  it('passes 9 requests over 3 servers in turn', () => {
    const result = judgeRoundRobin(events('roundrobin-9'), { servers, lastRequests: 9 });
    expect(result).toMatchObject({ status: 'pass' });
    expect(result.summary).toBe('The last 9 requests went round-robin: server_1 → server_2 → server_3 → server_1 → server_2 → server_3 → server_1 → server_2 → server_3.');
    expect(result.order).toHaveLength(9);
  });

  it('passes when a server is removed mid-way: it is skipped once marked DOWN, and the redispatched request is not held against it', () => {
    const result = judgeRoundRobin(events('server-removed'), { servers, lastRequests: 17 });
    expect(result.status).toBe('pass');
    expect(result.order.slice(-4)).toEqual(['server_3', 'server_1', 'server_3', 'server_1']);
  });

  it('passes across a reload: only the requests after the last start count', () => {
    expect(judgeRoundRobin(events('reload'), { servers, lastRequests: 9 }).status).toBe('pass');
  });

  it('passes across a restart of the container', () => {
    expect(judgeRoundRobin(events('restart'), { servers, lastRequests: 9 }).status).toBe('pass');
  });

  it('passes when a server that did not resolve at start joins later', () => {
    expect(judgeRoundRobin(events('unresolved-at-start'), { servers, lastRequests: 10 }).status).toBe('pass');
  });

  it('passes 400 requests while servers are stopped and started again, rejoining in a new order', () => {
    expect(judgeRoundRobin(events('servers-stopped-and-started'), { servers, lastRequests: 400 })).toMatchObject({ status: 'pass' });
  });

  it('fails `balance first`: every request went to one server', () => {
    const result = judgeRoundRobin(events('balance-first'), { servers, lastRequests: 9, container: 'simple_haproxy_2' });
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('All 9 requests went to server_1: the backend is not balancing round-robin.');
    expect(result.hint).toContain('docker exec simple_haproxy_2 cat /usr/local/etc/haproxy/haproxy.cfg');
  });

  it('fails when fewer requests are logged since the last reload than it needs', () => {
    const result = judgeRoundRobin(events('reload'), { servers, lastRequests: 10, endpoint: '127.0.0.1:8282' });
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('Only 9 requests are logged since HAProxy in simple_haproxy_1 started; the check needs 10.');
    expect(result.hint).toContain('curl -s 127.0.0.1:8282/example1.html');
  });

  it('would fail the reload log if it did not start over at the reload', () => {
    const withoutStarts = events('reload').filter((event) => event.type !== 'start');
    expect(judgeRoundRobin(withoutStarts, { servers, lastRequests: 14 }).summary).toContain('Request 6 went to server_1, round-robin expected server_3');
  });
});

describe('judgeRoundRobin on synthetic logs', () => {
  it('names the first request that broke the turn', () => {
    const result = judge([START, ...['server_1', 'server_2', 'server_3', 'server_1', 'server_3', 'server_2'].map((s) => request(s))], 6);
    expect(result.status).toBe('fail');
    expect(result.summary).toMatch(/^Request 5 went to server_3, round-robin expected server_2: server_1 → server_2/);
  });

  it('lets the judged requests start at any server', () => {
    expect(judge([START, ...['server_1', 'server_2', 'server_3', 'server_1', 'server_2', 'server_3', 'server_1'].map((s) => request(s))], 5).status).toBe('pass');
    expect(judge([START, ...['server_3', 'server_1', 'server_2'].map((s) => request(s))], 3).status).toBe('pass');
  });

  it('is not fooled by health-check noise and warnings between the requests', () => {
    const lines = [
      '[WARNING]  (1) : config : [haproxy.cfg:44] : parsing something harmless',
      START,
      '[NOTICE]   (1) : Loading success.',
      request('server_1'),
      '[WARNING]  (8) : webservers/server_3 changed its IP from 192.168.96.4 to 192.168.96.2 by docker/dns.',
      request('server_2'),
      '[WARNING]  (1) : SIGHUP: Server webservers/server_2 is UP. Conn: 0 act, 0 pend, 0 tot.',
      request('server_3'),
      'random text with webservers/server_2 in it',
      request('server_1'),
    ];
    expect(judge(lines, 4).status).toBe('pass');
  });

  it('skips a server while it is DOWN and expects it again once it is UP', () => {
    const lines = [START, request('server_1'), request('server_2'), down('server_2'), request('server_3'), request('server_1'), request('server_3'), up('server_2'), request('server_1'), request('server_2'), request('server_3'), request('server_1')];
    expect(judge(lines, 9).status).toBe('pass');
  });

  it('accepts the new order HAProxy gives a server that came back, as long as it then keeps it', () => {
    const rejoined = [START, request('server_1'), down('server_2'), request('server_3'), up('server_2')];
    expect(judge([...rejoined, ...['server_1', 'server_3', 'server_2', 'server_1', 'server_3', 'server_2'].map((s) => request(s))], 6).status).toBe('pass');
    const unsteady = judge([...rejoined, ...['server_1', 'server_3', 'server_2', 'server_1', 'server_2', 'server_3'].map((s) => request(s))], 6);
    expect(unsteady.summary).toContain('Request 5 went to server_2, round-robin expected server_3');
  });

  it('fails a server served twice in the round after one came back, naming the one still waiting', () => {
    const lines = [START, down('server_2'), request('server_1'), up('server_2'), request('server_3'), request('server_1'), request('server_3')];
    expect(judge(lines, 4).summary).toContain('Request 4 went to server_3, round-robin expected server_2');
  });

  it('fails a request that went to a server it does not expect', () => {
    const result = judge([START, request('server_1'), request('server_4')], 2);
    expect(result.summary).toBe('Request 2 went to server_4, which is not one of server_1, server_2, server_3.');
  });

  it('fails when HAProxy answered every request itself', () => {
    const nosrv = '172.17.0.1:47650 [25/Nov/2026:13:11:22.691] http-in webservers/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 "GET / HTTP/1.1"';
    const result = judge([START, nosrv, nosrv, nosrv], 3);
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('None of the last 3 requests reached a server');
  });

  it('passes when only one server is UP and all went to it', () => {
    const lines = [START, down('server_2'), down('server_3'), request('server_1'), request('server_1'), request('server_1')];
    expect(judge(lines, 3)).toMatchObject({ status: 'pass', summary: 'The last 3 requests went round-robin, the only server UP: server_1 → server_1 → server_1.' });
  });

  it('fails with nothing logged, saying how to send requests', () => {
    const result = judge([START], 9);
    expect(result.summary).toBe('Only 0 requests are logged since HAProxy in simple_haproxy_1 started; the check needs 9.');
    expect(result.hint).toContain('for i in $(seq 9); do curl -s 127.0.0.1:8181/example1.html; done');
  });

  it('keeps a failed reload from starting over: the old worker serves on', () => {
    const failedReload = [
      '[NOTICE]   (1) : Reloading HAProxy',
      "[WARNING]  (1) : config : [/usr/local/etc/haproxy/haproxy.cfg:46] : 'server webservers/server_3' : could not resolve address 'server_3', disabling server.",
      "[ALERT]    (1) : config : parsing [/usr/local/etc/haproxy/haproxy.cfg:47] : unknown keyword 'bogus' in 'backend' section",
      '[WARNING]  (1) : Loading failure!',
    ];
    const lines = [START, request('server_1'), request('server_2'), ...failedReload, request('server_3'), request('server_1')];
    expect(judge(lines, 4).status).toBe('pass');
  });
});
