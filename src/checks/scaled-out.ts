import { byIndex } from '../deploy/plan.js';
import { isRunningServer } from '../probes/servers.js';
import { LABEL_DEPLOY } from '../runtime/names.js';
import { fail, pass, type ReadOnlyCheckModule, type Zod } from './types.js';
import { checkBase } from './spec-base.js';

/** A container and the deploy that made it (`lab deploy` labels each with its id: its time in base 36). */
export interface Deployed {
  name: string;
  running: boolean;
  deploy?: string;
}

export interface ScaledOutFacts {
  kept: Deployed[];
  servers: Deployed[];
}

/** The lesson line of a `scaled-out` check. */
export const scaledOutSpec = (z: Zod) =>
  z.object({
    kind: z.literal('scaled-out'),
    ...checkBase(z),
    /** What scaling on demand must leave running as it was: the load balancer and the Consul servers. */
    kept: z.array(z.string().min(1)).min(1).default(['simple_haproxy_1', 'simple_consul_1', 'simple_consul_2', 'simple_consul_3', 'simple_consul_4', 'simple_consul_5']),
  });

/**
 * Service discovery's promise, kept: the servers were replaced by a deploy of their own, later than
 * the one that made the load balancer and the Consul servers, which kept running through it. (That
 * the running load balancer then routes to exactly the new servers is the `lb-backends` check's.)
 */
export const scaledOut: ReadOnlyCheckModule<typeof scaledOutSpec, ScaledOutFacts> = {
  kind: 'scaled-out',
  spec: scaledOutSpec,
  effect: 'read-only',

  async observe(spec, { docker }) {
    const labs = await docker.listContainers();
    const deployed = (c: (typeof labs)[number]): Deployed => ({ name: c.name, running: c.running, ...(c.labels[LABEL_DEPLOY] ? { deploy: c.labels[LABEL_DEPLOY] } : {}) });
    const kept = spec.kept.map((name) => labs.find((c) => c.name === name)).filter((c) => c !== undefined).map(deployed);
    const servers = labs.filter(isRunningServer).map(deployed).sort((a, b) => byIndex(a.name, b.name));
    return { kept, servers };
  },

  judge(spec, facts) {
    return judgeScaledOut(spec.kept, facts);
  },
};

const deployTime = (id: string | undefined): number => (id ? Number.parseInt(id, 36) : Number.NaN);

export function judgeScaledOut(wanted: string[], { kept, servers }: ScaledOutFacts) {
  const missing = wanted.filter((name) => !kept.some((c) => c.name === name && c.running));
  if (missing.length > 0) return fail(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not running.`, '`lab deploy -c -l 1 5` deploys Consul and the load balancer; then scale with `lab deploy 8`.');
  if (servers.length === 0) return fail('No server is running.', '`lab deploy 8` starts eight, registered with the running Consul.');
  const serversFrom = Math.min(...servers.map((s) => deployTime(s.deploy)));
  const redeployed = kept.filter((c) => !(deployTime(c.deploy) < serversFrom));
  if (redeployed.length > 0) {
    return fail(
      `${redeployed.map((c) => c.name).join(', ')} ${redeployed.length === 1 ? 'was' : 'were'} deployed with the servers or after them, not kept running while they were replaced.`,
      '`lab deploy 8` — no -c, no -l — replaces only the servers: each registers with the running Consul, and the running load balancer follows.',
    );
  }
  const names = `${servers[0]!.name}…${servers.at(-1)!.name}`;
  return pass(`${names} (${servers.length}) came from a later deploy than ${wanted.join(', ')}, which kept running through it.`);
}
