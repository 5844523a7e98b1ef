import { HAPROXY_CONFIG_PATH } from '../deploy/plan.js';
import { judgeRoundRobin, parseHaproxyLog, type LogEvent } from './haproxy-log.js';
import { observeLbs, requestsSinceStart, settledLog, type LbFacts } from '../probes/haproxy.js';
import { sendRequests, type Served } from '../probes/requests.js';
import { runningServers } from '../probes/servers.js';
import { fail, pass, type ReadOnlyCheckModule, type Judgement, type Zod } from './types.js';
import { checkBase, fields } from './spec-base.js';
import { lbName } from '../runtime/names.js';

/** The LBs the stage wants (`simple_haproxy_1..count`): missing or stopped ones fail with a hint. */
function judgePresence(count: number, lbs: LbFacts[]): Judgement | undefined {
  const wanted = Array.from({ length: count }, (_, i) => lbName(i + 1));
  const missing = wanted.filter((name) => !lbs.some((lb) => lb.name === name));
  if (missing.length > 0) return fail(`${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist.`, `\`lab deploy -l ${count} <num_servers>\` deploys ${count} load balancers.`);
  const stopped = lbs.filter((lb) => wanted.includes(lb.name) && !lb.running);
  if (stopped.length > 0) return fail(`${stopped.map((lb) => `${lb.name} (${lb.state})`).join(', ')} ${stopped.length === 1 ? 'is' : 'are'} not running.`, `\`docker logs ${stopped[0]!.name}\` shows why; \`docker start ${stopped[0]!.name}\` starts it again.`);
  const unpublished = lbs.filter((lb) => wanted.includes(lb.name) && lb.port === undefined);
  if (unpublished.length > 0) return fail(`${unpublished[0]!.name} publishes no port on 127.0.0.1.`, '`lab deploy -l` publishes them on 127.0.0.1:8181, 8282, …');
  return undefined;
}

export interface LbSpreadFacts {
  lbs: (LbFacts & { served: Served[] })[];
  servers: string[];
  perServer: number;
}

/** The lesson line of a `lb-spread` check. */
export const lbSpreadSpec = (z: Zod) =>
  z.object({
    kind: z.literal('lb-spread'),
    ...checkBase(z),
    /** The load balancers `simple_haproxy_1..count`. */
    count: fields.lbCount(z),
    /** K = perServer × running servers requests through each LB. */
    perServer: fields.perServer(z),
  });

/** Every LB answers, and K = perServer × servers requests through each reach every running server. */
export const lbSpread: ReadOnlyCheckModule<typeof lbSpreadSpec, LbSpreadFacts> = {
  kind: 'lb-spread',
  spec: lbSpreadSpec,
  effect: 'read-only',

  async observe(spec, { docker, http }) {
    const [lbs, servers] = await Promise.all([observeLbs(docker), runningServers(docker)]);
    const count = spec.perServer * Math.max(servers.length, 1);
    const withServed = [];
    for (const lb of lbs) withServed.push({ ...lb, served: lb.running && lb.port ? await sendRequests(http, lb.port, count) : [] });
    return { lbs: withServed, servers, perServer: spec.perServer };
  },

  judge(spec, { lbs, servers, perServer }) {
    const presence = judgePresence(spec.count, lbs);
    if (presence) return presence;
    if (servers.length === 0) return fail('No server is running behind the load balancers.', '`lab deploy -l 1 3` starts servers and a load balancer.');
    for (const lb of lbs) {
      const errors = lb.served.filter((s): s is { error: string } => 'error' in s);
      if (errors.length > 0) {
        return fail(`${errors.length} of ${lb.served.length} requests through ${lb.name} (127.0.0.1:${lb.port}) failed: ${errors[0]!.error}.`, `\`docker logs ${lb.name}\` shows which server it tried; \`curl -i 127.0.0.1:${lb.port}\` asks it yourself.`);
      }
      const reached = new Set(lb.served.map((s) => ('server' in s ? s.server : '')));
      const unreached = servers.filter((server) => !reached.has(server));
      if (unreached.length > 0) {
        return fail(
          `${lb.served.length} requests through ${lb.name} never reached ${unreached.slice(0, 5).join(', ')}${unreached.length > 5 ? ` and ${unreached.length - 5} more` : ''}.`,
          `Its configuration lists the servers running when it was deployed: \`docker exec ${lb.name} grep server ${HAPROXY_CONFIG_PATH}\`. Deploy again (\`lab deploy -l ${spec.count} ${servers.length}\`) to rewrite it.`,
        );
      }
    }
    return pass(`${lbs.length} load balancer${lbs.length === 1 ? '' : 's'} answered ${perServer * servers.length} requests each, reaching all ${servers.length} servers.`);
  },
};

export interface LbRoundRobinFacts {
  lbs: (LbFacts & { configServers: string[]; lines: string[]; sent: number })[];
  /** The running server containers (asked only when the check wants the log to name them). */
  running?: string[];
}

/** The lesson line of a `lb-roundrobin` check. */
export const lbRoundRobinSpec = (z: Zod) =>
  z.object({
    kind: z.literal('lb-roundrobin'),
    ...checkBase(z),
    count: fields.lbCount(z),
    perServer: fields.perServer(z),
    /** The log must name the containers that served (server_1…), not HAProxy's numbered slots. */
    namesServers: z.boolean().default(false),
  });

/** HAProxy's own log, read through the Docker API, shows the backends taking turns in config order. */
export const lbRoundRobin: ReadOnlyCheckModule<typeof lbRoundRobinSpec, LbRoundRobinFacts> = {
  kind: 'lb-roundrobin',
  spec: lbRoundRobinSpec,
  effect: 'read-only',

  async observe(spec, { docker, http }) {
    const lbs = [];
    for (const lb of await observeLbs(docker)) {
      if (!lb.running || !lb.port) {
        lbs.push({ ...lb, configServers: [], lines: [], sent: 0 });
        continue;
      }
      const config = await docker.exec(lb.name, ['cat', HAPROXY_CONFIG_PATH]);
      const configServers = [...config.stdout.matchAll(/^\s*server\s+(\S+)\s/gm)].map((m) => m[1]!);
      const sent = spec.perServer * Math.max(configServers.length, 1);
      const before = requestsSinceStart(await docker.logs(lb.name, 5_000));
      await sendRequests(http, lb.port, sent);
      lbs.push({ ...lb, configServers, lines: await settledLog(docker, lb.name, before + sent), sent });
    }
    return { lbs, ...(spec.namesServers ? { running: await runningServers(docker) } : {}) };
  },

  judge(spec, { lbs, running }) {
    const presence = judgePresence(spec.count, lbs);
    if (presence) return presence;
    for (const lb of lbs) {
      const events = parseHaproxyLog(lb.lines);
      if (running) {
        const named = judgeNamesServers(events, lb.sent, running, lb.name);
        if (named) return named;
      }
      const verdict = judgeRoundRobin(events, { servers: lb.configServers, lastRequests: lb.sent, container: lb.name, endpoint: `127.0.0.1:${lb.port}` });
      if (verdict.status !== 'pass') return fail(`${lb.name}: ${verdict.summary}`, verdict.hint);
    }
    const first = lbs[0]!;
    return pass(`${lbs.map((lb) => lb.name).join(', ')} logged round-robin turns (${first.configServers.slice(0, 3).join(' → ')}${first.configServers.length > 3 ? ' → …' : ''}).`);
  },
};

/**
 * The article's proof is reading server_1, server_2, server_3 off HAProxy's log: each of the last
 * `sent` requests must name a running server container. A DNS-mode backend (`server-template`) names
 * its numbered slots instead (`webservers/server7`), which say nothing of who answered.
 */
export function judgeNamesServers(events: LogEvent[], sent: number, running: string[], lb: string): Judgement | undefined {
  const served = events.flatMap((event) => (event.type === 'request' && event.server !== '<NOSRV>' ? [event.server] : [])).slice(-sent);
  const strangers = [...new Set(served.filter((server) => !running.includes(server)))];
  if (strangers.length === 0) return undefined;
  const slots = strangers.every((name) => /^[a-z]+\d+$/i.test(name));
  return fail(
    `${lb}'s log names ${strangers.slice(0, 3).join(', ')}${strangers.length > 3 ? ' …' : ''}, not the servers that answered (${running.slice(0, 3).join(', ')}${running.length > 3 ? ' …' : ''}).`,
    slots
      ? `Those are the numbered slots of a DNS-mode backend (\`server-template\`): HAProxy fills them from Consul's answer in any order. \`lab deploy -c -l 1 ${Math.max(running.length, 1)}\` deploys the default, watch mode, whose configuration has a server line per container.`
      : `\`docker exec ${lb} grep server ${HAPROXY_CONFIG_PATH}\` shows the names HAProxy logs.`,
  );
}
