import { setTimeout as sleep } from 'node:timers/promises';
import { consulServerNames } from '../runtime/consul-specs.js';
import type { DockerClient } from '../runtime/docker.js';
import type { HttpClient } from '../runtime/http.js';
import { startEngineLoad, type LoadResult } from '../runtime/load.js';
import { LABEL_MANAGED } from '../runtime/names.js';
import { sendRequests, type Served } from '../probes/requests.js';
import { untilAgreed } from './consul-drill.js';
import { checkBase, fields } from './spec-base.js';
import { fail, pass, type DisruptiveCheckModule, type SpecFrom, type Zod } from './types.js';

/** `python3 simple-server.pyz fail`: the server's own switch, flipped from inside its container. */
const TOGGLE = ['python3', 'simple-server.pyz', 'fail'];

export interface HealthDrillFacts {
  /** Containers the drill needs that do not run (or are not the lab's). */
  missing: string[];
  /** Docker's own health check of the server, as the engine reports it (absent: the image has none). */
  dockerHealth?: string;
  /** Why the drill could not start: the lab did not agree before it, or the switch did not answer. */
  notReady?: string;
  /** From the switch until Consul and the LB both left the sick server out. */
  outMs?: number;
  notOut?: string;
  /** Requests sent through the LB once it was out: who answered each, or why it failed. */
  served?: Served[];
  /** The server kept running through it all: no restart, no stop (its start time did not move). */
  keptRunning?: boolean;
  /** From the switch back until it was a passing instance in the LB's rotation again. */
  backMs?: number;
  notBack?: string;
  load?: LoadResult;
}

/** The lesson line of a `health-drill` check. */
export const healthDrillSpec = (z: Zod) =>
  z.object({
    kind: z.literal('health-drill'),
    ...checkBase(z),
    /** The server made to fail its health check (its process keeps running). */
    server: z.string().default('server_2'),
    lb: z.string().default('simple_haproxy_1'),
    servers: fields.consulServers(z),
    /** Requests per second through the LB while the server is sick. */
    rate: z.number().int().min(1).max(200).default(20),
    /** Milliseconds for Consul and the LB to take it out (and to put it back). */
    deadline: z.number().int().min(1_000).max(120_000).default(10_000),
  });

type Spec = SpecFrom<typeof healthDrillSpec>;

async function toggle(docker: DockerClient, server: string): Promise<string | undefined> {
  const result = await docker.exec(server, TOGGLE, 10_000).catch((error: Error) => ({ exitCode: -1, stdout: '', stderr: error.message }));
  // The last line says why (a Python traceback ends with the error itself).
  const said = (result.stderr || result.stdout).trim().split('\n').at(-1)?.slice(0, 160) ?? '';
  return result.exitCode === 0 ? undefined : `\`docker exec ${server} ${TOGGLE.join(' ')}\` exited with ${result.exitCode}: ${said}`;
}

async function drill(spec: Spec, docker: DockerClient, http: HttpClient): Promise<HealthDrillFacts> {
  const server = await docker.inspectContainer(spec.server);
  const lb = await docker.inspectContainer(spec.lb);
  const missing = [server, lb].flatMap((facts, i) => (facts?.running && facts.labels[LABEL_MANAGED] === 'true' ? [] : [[spec.server, spec.lb][i]!]));
  if (missing.length > 0 || !server || !lb) return { missing };
  const port = lb.ports.find((p) => p.containerPort === 80)?.hostPort;
  if (!port) return { missing: [`${spec.lb} (no published port)`] };
  // No health check in its image: an image from before simple-server had one (nor its /fail switch).
  if (!server.health) return { missing: [] };
  const agreement = { consulServers: consulServerNames(spec.servers), allServers: spec.servers, lb: spec.lb };
  const before = await untilAgreed(docker, http, agreement, spec.deadline);
  if (before.ms === undefined) return { missing: [], notReady: before.last ?? 'Consul and the load balancer did not agree' };

  const load = await startEngineLoad(docker, { port, rate: spec.rate, maxMs: spec.deadline * 3 + 10_000 });
  await sleep(500);
  const sickened = await toggle(docker, spec.server);
  if (sickened) return { missing: [], notReady: sickened, load: await load.stop() };
  const out = await untilAgreed(docker, http, { ...agreement, out: [spec.server] }, spec.deadline);
  const served = out.ms === undefined ? [] : await sendRequests(http, port, 12);
  const during = await docker.inspectContainer(spec.server);
  const result = await load.stop();
  // Healed whatever happened, so the lab is as it was: the same switch flipped back.
  const healed = await toggle(docker, spec.server);
  const back = healed ? { last: healed } : await untilAgreed(docker, http, agreement, spec.deadline);
  return {
    missing: [],
    dockerHealth: during?.health ?? server.health,
    ...(out.ms !== undefined ? { outMs: out.ms } : { notOut: out.last ?? 'did not converge' }),
    served,
    keptRunning: during?.running === true && during.startedAt === server.startedAt,
    ...(back.ms !== undefined ? { backMs: back.ms } : { notBack: back.last ?? 'did not converge' }),
    load: result,
  };
}

/**
 * Stage 4's "break it", proven: under a bounded load through the LB, one server is made to fail its
 * health check (`GET /fail`) while its process runs on. Consul's check (every second) must mark it
 * critical and the LB leave it out, with no request failing and the container neither stopped nor
 * restarted; healed, it must come back. Docker's own check (every 30 s) is read and reported.
 */
export const healthDrill: DisruptiveCheckModule<typeof healthDrillSpec, HealthDrillFacts> = {
  kind: 'health-drill',
  spec: healthDrillSpec,
  effect: 'disruptive',

  drill: (spec, { docker, http }) => drill(spec, docker, http),

  judge(spec, { missing, dockerHealth, notReady, outMs, notOut, served = [], keptRunning, backMs, notBack, load }) {
    if (missing.length > 0) return fail(`The drill needs ${missing.join(', ')} running, from the lab.`, '`lab deploy -c -l 1 5` deploys them.');
    if (notReady !== undefined) return fail(`Not ready for the drill: ${notReady}`, 'The other checks of this stage say what to fix first.');
    if (dockerHealth === undefined) {
      return fail(`${spec.server} has no health check of Docker's own: its image was built without HEALTHCHECK.`, `An image from before simple-server had one, and its /fail switch: \`lab images build\` rebuilds it, then \`lab deploy -c -l 1 5\`. \`docker inspect --format "{{json .Config.Healthcheck}}" ${spec.server}\` shows what it has.`);
    }
    if (outMs === undefined) {
      return fail(`${spec.server} failed its health check, but Consul and ${spec.lb} did not leave it out within ${spec.deadline / 1000} s: ${notOut}`, `Its agent, ${spec.server}_agent, checks GET /health every second: \`docker logs ${spec.server}_agent\`.`);
    }
    if (served.some((answer) => !('server' in answer) || answer.server === spec.server)) {
      const counts = new Map<string, number>();
      for (const answer of served) {
        const key = 'server' in answer ? answer.server : `failed (${answer.error})`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const seen = [...counts].map(([key, count]) => `${key} ×${count}`).join(', ');
      return fail(`Once Consul had left ${spec.server} out, requests through ${spec.lb} were still answered so: ${seen}.`, `\`docker exec ${spec.lb} sh -c 'echo "show servers state webservers" | socat stdio /var/run/haproxy.sock'\` lists who is in rotation.`);
    }
    if (!keptRunning) return fail(`${spec.server} was stopped or restarted during the drill: a failing health check alone must not touch the process.`, `\`docker inspect --format '{{.State.StartedAt}}' ${spec.server}\` shows when it last started.`);
    if (load && load.failed > 0) {
      return fail(`${load.failed} of ${load.sent} requests through ${spec.lb} failed while ${spec.server} was sick (${load.errors.join(', ')}).`, 'HAProxy resends a 503 to another server (`retry-on all-retryable-errors`, `option redispatch`) until Consul takes the sick one out.');
    }
    if (backMs === undefined) return fail(`Healed, ${spec.server} did not come back into Consul's catalog and ${spec.lb}'s rotation within ${spec.deadline / 1000} s: ${notBack}`, `\`docker exec ${spec.server} python3 simple-server.pyz health\` says what it answers now.`);
    return pass(
      `${spec.server} failed its health check and kept running; Consul and ${spec.lb} left it out in ${(outMs / 1000).toFixed(1)} s, ${load?.failed ?? 0} of ${load?.sent ?? 0} requests failed, none went to it; healed, it was back in ${(backMs / 1000).toFixed(1)} s. Docker's own check, every 30 s, said ${dockerHealth} at the time: after two failures in a row \`docker ps\` shows (unhealthy).`,
    );
  },

  retryable: () => false,
};
