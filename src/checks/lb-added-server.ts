/**
 * Stage 3's challenge: a server started by hand, added to a running load balancer's configuration,
 * and HAProxy reloaded, not restarted. The proof: the load balancer has run since before the server
 * started (a restart moves its start time, a reload does not), its runtime API lists the server's
 * address UP, and requests through it are all answered, some by the new server.
 */
import type { LbBackend } from './consul-judges.js';
import { observeBackends, observeLbs } from '../probes/haproxy.js';
import { sendRequests, type Served } from '../probes/requests.js';
import { NETWORK } from '../runtime/names.js';
import { checkBase } from './spec-base.js';
import { fail, pass, type Judgement, type ReadOnlyCheckModule, type Zod } from './types.js';

export interface AddedServerLb {
  name: string;
  running: boolean;
  startedAt?: string;
  backends: LbBackend[] | string;
  /** Requests sent through it when it lists the server. */
  served?: Served[];
}

export interface LbAddedServerFacts {
  server?: { running: boolean; state: string; startedAt?: string; address?: string };
  lbs: AddedServerLb[];
}

/** The lesson line of a `lb-added-server` check. */
export const lbAddedServerSpec = (z: Zod) =>
  z.object({
    kind: z.literal('lb-added-server'),
    ...checkBase(z),
    /** The server started by hand. */
    server: z.string().min(1),
    /** Requests through a load balancer that lists it. */
    requests: z.number().int().min(2).max(100).default(24),
  });

export const lbAddedServer: ReadOnlyCheckModule<typeof lbAddedServerSpec, LbAddedServerFacts> = {
  kind: 'lb-added-server',
  spec: lbAddedServerSpec,
  effect: 'read-only',

  async observe(spec, { docker, http }) {
    const container = await docker.inspectContainer(spec.server);
    const address = container?.networks[NETWORK];
    const server = container ? { running: container.running, state: container.state, ...(container.startedAt ? { startedAt: container.startedAt } : {}), ...(address ? { address } : {}) } : undefined;
    const lbs: AddedServerLb[] = [];
    for (const lb of await observeLbs(docker)) {
      if (!lb.running) {
        lbs.push({ name: lb.name, running: false, backends: `${lb.name} is ${lb.state}` });
        continue;
      }
      const backends = await observeBackends(docker, lb.name);
      const lists = address !== undefined && Array.isArray(backends) && backends.some((backend) => hostOf(backend.address) === address);
      const served = lists && lb.port ? await sendRequests(http, lb.port, spec.requests) : undefined;
      lbs.push({ name: lb.name, running: true, ...(lb.startedAt ? { startedAt: lb.startedAt } : {}), backends, ...(served ? { served } : {}) });
    }
    return { ...(server ? { server } : {}), lbs };
  },

  judge: (spec, facts) => judgeAddedServer(spec.server, facts),
};

const hostOf = (address: string): string => address.replace(/:\d+$/, '');
const clock = (iso: string | undefined): string => (iso ? iso.slice(11, 19) : '?');

export function judgeAddedServer(name: string, { server, lbs }: LbAddedServerFacts): Judgement {
  const start = `Start it as the other servers run: \`docker run -d --name ${name} --network ${NETWORK} -e SERVER_NAME=${name} $DOCKER_REPOSITORY/simple-server\`.`;
  if (!server) return fail(`There is no container named ${name}.`, start);
  if (!server.running) return fail(`${name} is ${server.state}.`, `\`docker start ${name}\` starts it again; \`docker logs ${name}\` says why it stopped.`);
  if (!server.address) return fail(`${name} is not on ${NETWORK}: no load balancer can reach it.`, `\`docker network connect ${NETWORK} ${name}\`, or run it again with \`--network ${NETWORK}\`.`);
  const listing = lbs.filter((lb) => Array.isArray(lb.backends) && lb.backends.some((backend) => hostOf(backend.address) === server.address));
  if (listing.length === 0) {
    const running = lbs.filter((lb) => lb.running).map((lb) => lb.name);
    return fail(
      `No load balancer sends requests to ${name} (${server.address})${running.length > 0 ? `: ${running.join(', ')} list${running.length === 1 ? 's' : ''} only the servers ${running.length === 1 ? 'it was' : 'they were'} deployed with` : ''}.`,
      'Add a `server` line for it to the `backend webservers` section of a running load balancer\'s configuration (haproxy-live/haproxy.cfg is simple_haproxy_4\'s; `docker cp` gets and puts back simple_haproxy_1\'s), then reload HAProxy — a signal to its master, not a restart.',
    );
  }
  const problems: string[] = [];
  for (const lb of listing) {
    const backend = (lb.backends as LbBackend[]).find((b) => hostOf(b.address) === server.address)!;
    const restarted = lb.startedAt !== undefined && server.startedAt !== undefined && Date.parse(lb.startedAt) > Date.parse(server.startedAt);
    if (restarted) {
      problems.push(`${lb.name} lists ${name}, but it was started at ${clock(lb.startedAt)}, after ${name} (${clock(server.startedAt)}): a restart drops the requests it holds and refuses new ones while it is down; a reload does neither`);
      continue;
    }
    if (backend.state !== 'UP') {
      problems.push(`${lb.name} lists ${name} as ${backend.name}, and its health check finds it ${backend.state}`);
      continue;
    }
    const served = lb.served ?? [];
    const failed = served.filter((answer) => 'error' in answer);
    const byNew = served.filter((answer) => 'server' in answer && answer.server === name).length;
    if (served.length === 0) {
      problems.push(`${lb.name} lists ${name}, and no request could be sent through it (no port published on 127.0.0.1)`);
    } else if (failed.length > 0) {
      problems.push(`${failed.length} of ${served.length} requests through ${lb.name} failed (${'error' in failed[0]! ? failed[0].error : ''})`);
    } else if (byNew === 0) {
      problems.push(`${lb.name} lists ${name}, but none of ${served.length} requests through it reached it`);
    } else {
      return pass(`${lb.name}, running since ${clock(lb.startedAt)} (before ${name} started at ${clock(server.startedAt)}), was reloaded to send requests to ${name}: ${byNew} of ${served.length} requests answered by it, none failed.`);
    }
  }
  const restartedOnly = problems.every((problem) => problem.includes('a restart drops'));
  return fail(
    `${problems.join('; ')}.`,
    `Reload instead of restarting: \`docker kill -s USR2 ${listing[0]!.name}\` makes HAProxy's master start a new worker on the same sockets while the old one finishes its requests.${restartedOnly ? ` To try again, start the server anew (\`docker restart ${name}\`), then reload.` : ''}`,
  );
}
