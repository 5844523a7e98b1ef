import { setTimeout as sleep } from 'node:timers/promises';
import { consulServerNames } from '../runtime/consul-specs.js';
import type { ContainerSpec } from '../runtime/container-spec.js';
import type { DockerClient } from '../runtime/docker.js';
import type { HttpClient } from '../runtime/http.js';
import { startEngineLoad, type LoadResult } from '../runtime/load.js';
import { observeCatalog, observeQuorum } from '../probes/consul.js';
import { observeBackends } from '../probes/haproxy.js';
import { judgeCatalog, judgeLbBackends, judgeQuorum } from './consul-judges.js';
import { fail, pass, type DisruptiveCheckModule, type Zod } from './types.js';
import { checkBase, fields } from './spec-base.js';
import { agentName, LABEL_AGENT_OF, LABEL_MANAGED } from '../runtime/names.js';

/** How many times the convergence deadline the removed containers get to rejoin once put back. */
export const REJOIN_FACTOR = 6;

export interface DrillFacts {
  /** Containers the drill needs that do not run (or are not the lab's). */
  missing: string[];
  /** From the removals until quorum, catalog and load balancer all agreed; absent if they never did. */
  convergedMs?: number;
  /** What still disagreed at the deadline. */
  notConverged?: string;
  /** From re-creating the removed containers until the catalog and the LB hold them again. */
  rejoinedMs?: number;
  notRejoined?: string;
  load?: LoadResult;
}

/** Who should agree, and on what: the Consul servers expected in the quorum, and the running servers that should not pass (a sick one). */
export interface Agreement {
  consulServers: string[];
  allServers: number;
  lb: string;
  /** Running servers that must not be passing instances, nor in the LB's rotation. */
  out?: string[];
}

/**
 * The first thing that disagrees (quorum, catalog, LB), or undefined when all three agree. A look
 * that fails (an exec that outlasts its timeout while the engine re-creates containers, on a slow
 * machine) is one more disagreement, not the drill's end: the caller looks again until its deadline.
 */
async function disagreement(docker: DockerClient, http: HttpClient, agreement: Agreement): Promise<string | undefined> {
  try {
    return await firstDisagreement(docker, http, agreement);
  } catch (error) {
    return `could not look: ${(error as Error).message}`;
  }
}

async function firstDisagreement(docker: DockerClient, http: HttpClient, { consulServers, allServers, lb, out = [] }: Agreement): Promise<string | undefined> {
  const quorum = await observeQuorum(docker, http, allServers);
  const quorumVerdict = judgeQuorum({ ...quorum, expectedServers: consulServers });
  if (quorumVerdict.status === 'fail') return quorumVerdict.summary;
  const observed = await observeCatalog(docker, http, allServers);
  const catalog = { ...observed, running: observed.running.filter((server) => !out.includes(server)) };
  const catalogVerdict = judgeCatalog(catalog);
  if (catalogVerdict.status === 'fail') return catalogVerdict.summary;
  const backends = await observeBackends(docker, lb);
  if (typeof backends === 'string') return `${lb}: ${backends}`;
  const lbVerdict = judgeLbBackends({ lb, catalog: catalog.passing, backends });
  return lbVerdict.status === 'fail' ? lbVerdict.summary : undefined;
}

/** Looks until quorum, catalog and LB agree (the time it took), or the deadline passes (what disagreed last). */
export async function untilAgreed(docker: DockerClient, http: HttpClient, agreement: Agreement, deadlineMs: number): Promise<{ ms?: number; last?: string }> {
  const started = Date.now();
  let last: string | undefined;
  while (Date.now() - started < deadlineMs) {
    last = await disagreement(docker, http, agreement);
    if (last === undefined) return { ms: Date.now() - started };
    await sleep(100);
  }
  return { ...(last ? { last } : {}) };
}

/** The lesson line of a `consul-drill` check. */
export const consulDrillSpec = (z: Zod) =>
  z.object({
    kind: z.literal('consul-drill'),
    ...checkBase(z),
    /** What the drill removes at once: servers (their agents go with them) and Consul servers. */
    remove: z.array(z.string().min(1)).min(1).default(['server_1', 'server_4', 'simple_consul_3']),
    /** The load balancer the load goes through. */
    lb: z.string().default('simple_haproxy_1'),
    servers: fields.consulServers(z),
    /** Requests per second during the drill. */
    rate: z.number().int().min(1).max(500).default(50),
    /** Milliseconds to converge after the removals (and to rejoin after). */
    deadline: z.number().int().min(1_000).max(120_000).default(15_000),
  });

/**
 * The article's drill, proven: under a bounded loopback load through the LB, remove two servers (with
 * their agents) and one Consul server; pass only if quorum holds, the catalog and the LB converge
 * within the deadline, and no request fails. Then put the removed containers back and see them rejoin,
 * so the drill can run again.
 */
export const consulDrill: DisruptiveCheckModule<typeof consulDrillSpec, DrillFacts> = {
  kind: 'consul-drill',
  spec: consulDrillSpec,
  effect: 'disruptive',

  async drill(spec, { docker, http }) {
    const removedServers = spec.remove.filter((name) => !name.startsWith('simple_consul_'));
    const removed = [...spec.remove, ...removedServers.map(agentName)];
    const specs: ContainerSpec[] = [];
    for (const name of [...removed, spec.lb]) {
      const captured = await docker.captureSpec(name);
      const running = (await docker.inspectContainer(name))?.running;
      if (!captured || !running || captured.labels[LABEL_MANAGED] !== 'true') return { missing: [name] };
      // The engine records shared namespaces by container id; the re-created sidecar joins its server by name.
      const servedBy = captured.labels[LABEL_AGENT_OF];
      if (name !== spec.lb) specs.push(servedBy ? { ...captured, network: `container:${servedBy}`, ...(captured.pid ? { pid: `container:${servedBy}` } : {}) } : captured);
    }
    const port = (await docker.inspectContainer(spec.lb))!.ports.find((p) => p.containerPort === 80)?.hostPort;
    if (!port) return { missing: [`${spec.lb} (no published port)`] };
    const everyConsul = consulServerNames(spec.servers);
    // Agreement first, looked for until the deadline as during the drill: on a slow engine, just after
    // a deploy, one look (an exec into the LB) can outlast its timeout though nothing disagrees.
    const before = await untilAgreed(docker, http, { consulServers: everyConsul, allServers: spec.servers, lb: spec.lb }, spec.deadline);
    if (before.ms === undefined) return { missing: [], notConverged: `before the drill: ${before.last ?? 'Consul and the load balancer did not agree'}` };

    const load = await startEngineLoad(docker, { port, rate: spec.rate, maxMs: spec.deadline * 3 + 10_000 });
    await sleep(1_000);
    await Promise.all(removed.map((name) => docker.removeContainer(name)));
    const remaining = everyConsul.filter((name) => !spec.remove.includes(name));
    const converged = await untilAgreed(docker, http, { consulServers: remaining, allServers: spec.servers, lb: spec.lb }, spec.deadline);
    await sleep(1_000);
    const result = await load.stop();

    // Put everything back: Consul server first, then servers, then their agents (they join the servers' namespaces).
    const order = (s: ContainerSpec) => (s.name.startsWith('simple_consul_') ? 0 : s.network?.startsWith('container:') ? 2 : 1);
    for (const captured of [...specs].sort((a, b) => order(a) - order(b))) {
      await docker.createContainer(captured);
      await docker.startContainer(captured.name);
    }
    // Putting back is not what the drill proves, and re-creating five containers takes a slow machine
    // far longer than converging does: it gets REJOIN_FACTOR times the deadline.
    const rejoined = await untilAgreed(docker, http, { consulServers: everyConsul, allServers: spec.servers, lb: spec.lb }, spec.deadline * REJOIN_FACTOR);
    return {
      missing: [],
      ...(converged.ms !== undefined ? { convergedMs: converged.ms } : { notConverged: converged.last ?? 'did not converge' }),
      ...(rejoined.ms !== undefined ? { rejoinedMs: rejoined.ms } : { notRejoined: rejoined.last ?? 'did not rejoin' }),
      load: result,
    };
  },

  judge(spec, { missing, convergedMs, notConverged, rejoinedMs, notRejoined, load }) {
    if (missing.length > 0) {
      return fail(`The drill needs ${missing.join(', ')} running, from the lab.`, `\`lab deploy -c -l 1 5\` deploys everything the drill removes.`);
    }
    if (notConverged?.startsWith('before the drill')) return fail(`Not ready for the drill: ${notConverged.slice('before the drill: '.length)}`, 'The other checks of this stage say what to fix first.');
    if (convergedMs === undefined) {
      return fail(`After removing ${spec.remove.join(', ')}, Consul and ${spec.lb} did not agree within ${spec.deadline / 1000} s: ${notConverged}`, `\`docker logs ${spec.lb}\` and \`docker exec simple_consul_1 consul members\` show where it stands.`);
    }
    if (load && load.failed > 0) {
      return fail(`${load.failed} of ${load.sent} requests through ${spec.lb} failed during the drill (${load.errors.join(', ')}).`, `The configuration's \`retries\`, \`option redispatch\` and health checks are what keep requests from failing: \`docker exec ${spec.lb} cat /usr/local/etc/haproxy/haproxy.cfg\`.`);
    }
    if (rejoinedMs === undefined) return fail(`The drill passed, but the removed containers did not rejoin within ${(spec.deadline * REJOIN_FACTOR) / 1000} s: ${notRejoined}`, '`lab deploy -c -l 1 5` deploys them afresh.');
    return pass(
      `Quorum held; the catalog and ${spec.lb} converged ${(convergedMs / 1000).toFixed(1)} s after ${spec.remove.join(', ')} were removed; ${load?.failed ?? 0} of ${load?.sent ?? 0} requests failed; put back, they rejoined in ${(rejoinedMs / 1000).toFixed(1)} s.`,
    );
  },

  retryable: () => false,
};
