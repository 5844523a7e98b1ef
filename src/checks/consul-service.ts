/**
 * Stage 4's challenge: the load balancer registered in Consul as a service of its own, through the
 * agent beside it, with a health check of its own that passes, so the catalog lists it (the article
 * remarked that HAProxy does not show up in Consul: nothing registers it).
 */
import { askConsul } from '../probes/consul.js';
import { parseHealthService, type HealthEntry } from './consul-judges.js';
import { checkBase, fields } from './spec-base.js';
import { fail, pass, type Judgement, type ReadOnlyCheckModule, type Zod } from './types.js';

export interface ConsulServiceFacts {
  entries: HealthEntry[];
  error?: string;
}

/** The lesson line of a `consul-service` check. */
export const consulServiceSpec = (z: Zod) =>
  z.object({
    kind: z.literal('consul-service'),
    ...checkBase(z),
    /** The service's name in the catalog. */
    service: z.string().regex(/^[a-z][a-z0-9-]*$/),
    /** The Consul node it must be registered on: the agent beside the container it stands for. */
    node: z.string().min(1),
    /** The port it must be registered with. */
    port: fields.port(z),
    servers: fields.consulServers(z),
  });

export const consulService: ReadOnlyCheckModule<typeof consulServiceSpec, ConsulServiceFacts> = {
  kind: 'consul-service',
  spec: consulServiceSpec,
  effect: 'read-only',

  async observe(spec, { http }) {
    const health = await askConsul(http, spec.servers, `/v1/health/service/${spec.service}`);
    if (health.body === undefined) return { entries: [], error: Object.values(health.errors)[0] ?? 'no Consul server answers' };
    return { entries: parseHealthService(health.body) };
  },

  judge: (spec, facts) => judgeConsulService(spec, facts),
};

/** The node's own liveness check: every instance has it; it says nothing about the service. */
const NODE_CHECK = 'serfHealth';

export function judgeConsulService(spec: { service: string; node: string; port: number }, { entries, error }: ConsulServiceFacts): Judgement {
  const agent = `${spec.node}_agent`;
  if (error !== undefined) return fail(`No Consul server answers (${error}).`, 'The stage runs five: `docker ps --filter name=simple_consul_` shows them; `lab deploy -c -l 1 5` starts them again.');
  if (entries.length === 0) {
    return fail(
      `The catalog has no service ${spec.service}: nothing registered the load balancer, so Consul does not know it exists.`,
      `Register it with the agent that shares ${spec.node}'s network (${agent}): a service definition (name ${spec.service}, port ${spec.port}, and a check) given to \`consul services register\`.`,
    );
  }
  const onNode = entries.filter((entry) => entry.node === spec.node);
  if (onNode.length === 0) {
    return fail(`${spec.service} is registered on ${entries.map((entry) => entry.node).join(', ')}, not on ${spec.node}.`, `Register it through ${agent}: its node is ${spec.node}, and its checks run in ${spec.node}'s network, where HAProxy listens.`);
  }
  const entry = onNode[0]!;
  if (entry.port !== spec.port) return fail(`${spec.service} is registered on ${spec.node} with port ${entry.port}; HAProxy listens on ${spec.port} there.`, `Register it with port ${spec.port}.`);
  const own = entry.checks.filter((check) => check.id !== NODE_CHECK);
  if (own.length === 0) {
    return fail(
      `${spec.service} is registered on ${spec.node} without a health check of its own: Consul would list it as passing with HAProxy stopped.`,
      `Give the service definition a check, e.g. an HTTP check of http://127.0.0.1:${spec.port}/health every few seconds (it runs in ${agent}, which shares HAProxy's network).`,
    );
  }
  const failing = entry.checks.filter((check) => check.status !== 'passing');
  if (failing.length > 0) {
    const first = failing[0]!;
    return fail(`${spec.service} on ${spec.node} is not passing: its check ${first.id} is ${first.status}${first.output ? ` (${first.output.trim().split('\n')[0]})` : ''}.`, `\`docker exec ${agent} consul catalog services\` lists it; the check's output above says what it sees.`);
  }
  return pass(`The catalog lists ${spec.service} on ${spec.node} (${entry.address}:${entry.port}), its own health check passing (${own.map((check) => check.id).join(', ')}).`);
}
