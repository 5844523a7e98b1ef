/**
 * HAProxy's log as the load-balancing checks read it: `docker logs simple_haproxy_1`, in order, parsed
 * into events, then judged. Pure: the lines come from the observe side (or from recorded fixtures).
 */

export type LogEvent =
  /** One httplog line. `server` is where the request ended (`<NOSRV>`: HAProxy answered it itself). */
  | { type: 'request'; frontend: string; backend: string; server: string; status: number; retries: number; redispatched: boolean }
  /** A worker started serving a freshly read configuration: first start, restart or reload. */
  | { type: 'start' }
  /** `atStart`: the configuration loader disabled the server before the worker started (its name did not resolve). */
  | { type: 'down'; backend: string; server: string; atStart?: true }
  | { type: 'up'; backend: string; server: string };

/*
 * The lines below are what HAProxy 2.6 (master-worker mode, `log stdout format raw`) printed in this
 * lab's containers; test/fixtures/haproxy/ holds whole recorded logs.
 */

// 192.168.48.1:42404 [25/Nov/2026:13:12:47.577] http-in webservers/server_3 0/301/0/1/302 200 302 - - ---- 1/1/0/0/+1 0/0 "GET / HTTP/1.1"
// The last counter is the retry count; a leading + means the request was redispatched to another server.
const REQUEST =
  /\[\d{2}\/\w{3}\/\d{4}:[\d:.]+\] (\S+) ([^\s/]+)\/(\S+) (?:-?\d+\/){4}\+?-?\d+ (-?\d+) \+?\d+ \S+ \S+ \S{4} \d+\/\d+\/\d+\/\d+\/(\+?)(\d+) /;
// [NOTICE]   (1) : New worker (8) forked         (first start, and each reload: USR2 or HUP to the master)
const START = /New worker (?:#\d+ )?\(\d+\) forked/;
// Server webservers/server_2 is DOWN, reason: Layer4 timeout, ...
// Server webservers/server_3 is going DOWN for maintenance. ...
// Server webservers/server_1 was DOWN and now enters maintenance (DNS NX status).
// Server webservers/server_3 ('server_3') is UP/READY (resolves again).
// Server webservers/server_3 is UP/READY (leaving forced maintenance).
const HEALTH = /\bServer ([^\s/]+)\/(\S+)(?: \('[^']*'\))? (is UP\b|is DOWN\b|is going DOWN\b|was DOWN and now enters maintenance)/;
// [WARNING]  (1) : config : [haproxy.cfg:44] : 'server webservers/server_2' : could not resolve address 'server_2', disabling server.
const UNRESOLVED = /'server ([^\s/]+)\/([^']+)' : could not resolve address .*disabling server/;
// `SIGHUP: Server x/y is UP. Conn: ...` is a dump of the current state (HAProxy without -W), not a change.
const STATE_DUMP = /\bSIGHUP\b/;

/** Turns raw log lines into events, in order; everything else (warnings, stop notices, dumps) is left out. */
export function parseHaproxyLog(lines: string[]): LogEvent[] {
  const events: LogEvent[] = [];
  for (const line of lines) {
    const event = parseLine(line);
    if (event) events.push(event);
  }
  return events;
}

function parseLine(line: string): LogEvent | undefined {
  const request = REQUEST.exec(line);
  if (request) {
    const [, frontend = '', backend = '', server = '', status = '', plus, retries = '0'] = request;
    return { type: 'request', frontend, backend, server, status: Number(status), retries: Number(retries), redispatched: plus === '+' };
  }
  if (START.test(line)) return { type: 'start' };
  if (STATE_DUMP.test(line)) return undefined;
  const health = HEALTH.exec(line);
  if (health) {
    const [, backend = '', server = '', change = ''] = health;
    return { type: change === 'is UP' ? 'up' : 'down', backend, server };
  }
  const unresolved = UNRESOLVED.exec(line);
  if (unresolved) return { type: 'down', backend: unresolved[1] ?? '', server: unresolved[2] ?? '', atStart: true };
  return undefined;
}

export interface RoundRobinExpectation {
  /** The backend's servers, in the order of its configuration. */
  servers: string[];
  /** How many of the latest requests to judge. */
  lastRequests: number;
  /** The load balancer container, for hints (default simple_haproxy_1). */
  container?: string;
  /** Where the learner sends requests, for hints (default 127.0.0.1:8181). */
  endpoint?: string;
}

export interface RoundRobinJudgement {
  status: 'pass' | 'fail';
  summary: string;
  hint?: string;
  /** The servers that answered the judged requests, oldest first. */
  order: string[];
}

const NO_SERVER = '<NOSRV>';

/**
 * Passes when the last `lastRequests` requests since HAProxy last started went round-robin: each to
 * the server after the previous one, in turn, among the servers UP at that moment.
 *
 * What HAProxy 2.6 showed here, and this judge follows: after a start the turn follows the
 * configuration order; a server marked DOWN drops out and the others keep their order; a server that
 * comes back UP rejoins at a place of HAProxy's choosing (the turn became 1,3,2 or 3,2,1 as well as
 * 1,2,3), so after an UP the order is learned again from the next full round. A request that was
 * redispatched (a retry sent it past a dead server, `+1` in the log) counts as where it ended, unjudged.
 * The log must list requests in the order they were answered: the lab's config runs one thread
 * (`nbthread 1`) for that.
 */
export function judgeRoundRobin(events: LogEvent[], expected: RoundRobinExpectation): RoundRobinJudgement {
  const container = expected.container ?? 'simple_haproxy_1';
  const endpoint = expected.endpoint ?? '127.0.0.1:8181';
  const { disabled, since } = sinceLastStart(events);
  const requests = since.filter((event) => event.type === 'request');
  const wanted = expected.lastRequests;

  if (requests.length < wanted) {
    return {
      status: 'fail',
      summary: `Only ${requests.length} request${requests.length === 1 ? ' is' : 's are'} logged since HAProxy in ${container} started; the check needs ${wanted}.`,
      hint: `Send some: \`for i in $(seq ${wanted}); do curl -s ${endpoint}/example1.html; done\`, then check again. \`docker logs ${container}\` shows what HAProxy logged.`,
      order: requests.map((request) => request.server),
    };
  }

  const firstJudged = requests.length - wanted;
  const order = requests.slice(firstJudged).map((request) => request.server);
  const served = order.filter((server) => server !== NO_SERVER);
  const look = `\`docker logs ${container}\` shows each request's server and every health change`;
  if (served.length === 0) {
    return {
      status: 'fail',
      summary: `None of the last ${wanted} requests reached a server: HAProxy answered each one itself (${NO_SERVER}).`,
      hint: `No server of the backend is UP. ${look}; \`docker ps\` shows whether the servers run.`,
      order,
    };
  }

  const broken = findBreak(since, expected.servers, disabled, firstJudged);
  const oneServer = new Set(served).size === 1;
  if (!broken) {
    const only = oneServer ? ', the only server UP' : '';
    return { status: 'pass', summary: `The last ${wanted} requests went round-robin${only}: ${describeOrder(order)}.`, order };
  }
  if (oneServer && served.length > 1) {
    return {
      status: 'fail',
      summary: `All ${served.length} requests went to ${served[0]}: the backend is not balancing round-robin.`,
      hint: `\`docker exec ${container} cat /usr/local/etc/haproxy/haproxy.cfg\` shows its balance line (expected: \`balance roundrobin\`); ${look}.`,
      order,
    };
  }
  if (broken.kind === 'unknown') {
    return {
      status: 'fail',
      summary: `Request ${broken.request} went to ${broken.server}, which is not one of ${expected.servers.join(', ')}.`,
      hint: `The load balancer's configuration lists other servers than those running: \`docker exec ${container} cat /usr/local/etc/haproxy/haproxy.cfg\` shows them.`,
      order,
    };
  }
  return {
    status: 'fail',
    summary: `Request ${broken.request} went to ${broken.server}, round-robin expected ${broken.expected}: ${describeOrder(order)}.`,
    hint: `\`docker exec ${container} cat /usr/local/etc/haproxy/haproxy.cfg\` shows its balance line (expected: \`balance roundrobin\`); ${look}.`,
    order,
  };
}

/** The events after the last start, and the servers the configuration loader disabled just before it. */
function sinceLastStart(events: LogEvent[]): { disabled: Set<string>; since: LogEvent[] } {
  const last = events.findLastIndex((event) => event.type === 'start');
  if (last < 0) return { disabled: new Set(), since: events };
  const previous = events.slice(0, last).findLastIndex((event) => event.type === 'start');
  const disabled = new Set(
    events
      .slice(previous + 1, last)
      .flatMap((event) => (event.type === 'down' && event.atStart ? [event.server] : [])),
  );
  return { disabled, since: events.slice(last + 1) };
}

type Break = { kind: 'order'; request: number; server: string; expected: string } | { kind: 'unknown'; request: number; server: string };

/**
 * Follows HAProxy's turn through the events; returns the first judged request that broke it.
 * Requests before `firstJudged` only move the turn along; so does the first judged one.
 */
function findBreak(events: LogEvent[], servers: string[], disabled: Set<string>, firstJudged: number): Break | undefined {
  const up = new Set(servers.filter((server) => !disabled.has(server)));
  // The known turn order of the UP servers, or undefined while it is being learned after an UP.
  let cycle: string[] | undefined = servers.filter((server) => up.has(server));
  let round: string[] = [];
  let last: string | undefined;
  let index = -1;

  const relearn = (): void => {
    cycle = undefined;
    round = [];
  };

  for (const event of events) {
    // A loader's warning after the last start belongs to a reload that failed: the worker kept its state.
    if (event.type === 'down' && !event.atStart && up.has(event.server)) {
      up.delete(event.server);
      if (cycle) {
        // The turn passes to the server after the one that left.
        if (last === event.server) last = cycle.length > 1 ? cycle[(cycle.indexOf(last) + cycle.length - 1) % cycle.length] : undefined;
        cycle = cycle.filter((server) => server !== event.server);
      } else {
        round = round.filter((server) => server !== event.server);
        if (round.length > 0 && round.length >= up.size) [cycle, round, last] = [round, [], round.at(-1)];
      }
    } else if (event.type === 'up' && servers.includes(event.server) && !up.has(event.server)) {
      up.add(event.server);
      relearn();
    }
    if (event.type !== 'request') continue;

    index += 1;
    const { server } = event;
    if (server === NO_SERVER) continue;
    const judged = index > firstJudged && event.retries === 0;
    const request = index - firstJudged + 1;
    if (!servers.includes(server)) {
      if (index >= firstJudged) return { kind: 'unknown', request, server };
      continue;
    }
    // A server that answers is UP, whatever the log said (a health line can trail the requests).
    if (!up.has(server)) {
      up.add(server);
      relearn();
    }

    if (cycle) {
      const expected = last === undefined || !cycle.includes(last) ? undefined : cycle[(cycle.indexOf(last) + 1) % cycle.length];
      if (judged && expected !== undefined && server !== expected) return { kind: 'order', request, server, expected };
      last = server;
      continue;
    }

    // Learning the order: one full round of the UP servers, each once.
    if (round.includes(server)) {
      const waiting = servers.find((candidate) => up.has(candidate) && !round.includes(candidate));
      if (judged && waiting !== undefined) return { kind: 'order', request, server, expected: waiting };
      round = [];
    }
    round.push(server);
    if (round.length >= up.size) [cycle, round, last] = [round, [], server];
  }
  return undefined;
}

function describeOrder(order: string[]): string {
  if (order.length <= 12) return order.join(' → ');
  return `${order.slice(0, 12).join(' → ')} → … (${order.length} in all)`;
}
