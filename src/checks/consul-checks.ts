import { SERVICE_NAME } from '../runtime/consul-specs.js';
import {
  aliveServers,
  catalogSettling,
  judgeCatalog,
  judgeLbBackends,
  judgeQuorum,
  quorumOf,
  quorumSettling,
  type CatalogFacts,
  type CatalogInstance,
  type LbBackend,
  type QuorumFacts,
} from './consul-judges.js';
import { observeBackends } from '../probes/haproxy.js';
import { observeCatalog, observeQuorum } from '../probes/consul.js';
import { fail, type ReadOnlyCheckModule, type Judgement, type Zod } from './types.js';
import { checkBase, fields } from './spec-base.js';
import { lbName } from '../runtime/names.js';

/** The lesson line of a `consul-quorum` check. */
export const consulQuorumSpec = (z: Zod) =>
  z.object({
    kind: z.literal('consul-quorum'),
    ...checkBase(z),
    /** The Consul servers `simple_consul_1..servers`. */
    servers: fields.consulServers(z),
  });

export const consulQuorum: ReadOnlyCheckModule<typeof consulQuorumSpec, QuorumFacts> = {
  kind: 'consul-quorum',
  spec: consulQuorumSpec,
  effect: 'read-only',
  observe: (spec, { docker, http }) => observeQuorum(docker, http, spec.servers),
  judge: (_spec, facts) => judgeQuorum(facts),
  settling: quorumSettling,
  // A leader can still come while a majority of the servers is alive; not when none answers, or too few.
  retryable: (facts) => aliveServers(facts).length >= quorumOf(facts.expectedServers.length),
};

/** The lesson line of a `consul-catalog` check. */
export const consulCatalogSpec = (z: Zod) =>
  z.object({
    kind: z.literal('consul-catalog'),
    ...checkBase(z),
    servers: fields.consulServers(z),
  });

export const consulCatalog: ReadOnlyCheckModule<typeof consulCatalogSpec, CatalogFacts> = {
  kind: 'consul-catalog',
  spec: consulCatalogSpec,
  effect: 'read-only',
  observe: (spec, { docker, http }) => observeCatalog(docker, http, spec.servers),
  judge: (_spec, facts) => judgeCatalog(facts),
  settling: catalogSettling,
  // Without a leader the catalog cannot change: wait only while it can be read.
  retryable: (facts) => facts.error === undefined,
};

export interface LbBackendsFacts {
  catalog: CatalogInstance[];
  catalogError?: string;
  lbs: { lb: string; backends: LbBackend[] | string }[];
}

/** The lesson line of a `lb-backends` check. */
export const lbBackendsSpec = (z: Zod) =>
  z.object({
    kind: z.literal('lb-backends'),
    ...checkBase(z),
    /** The load balancers `simple_haproxy_1..count`. */
    count: fields.lbCount(z),
    servers: fields.consulServers(z),
  });

export const lbBackends: ReadOnlyCheckModule<typeof lbBackendsSpec, LbBackendsFacts> = {
  kind: 'lb-backends',
  spec: lbBackendsSpec,
  effect: 'read-only',

  async observe(spec, { docker, http }) {
    const catalog = await observeCatalog(docker, http, spec.servers);
    const lbs = [];
    for (let i = 1; i <= spec.count; i += 1) lbs.push({ lb: lbName(i), backends: await observeBackends(docker, lbName(i)) });
    return { catalog: catalog.passing, ...(catalog.error ? { catalogError: catalog.error } : {}), lbs };
  },

  judge(_spec, { catalog, catalogError, lbs }): Judgement {
    if (catalogError) return fail(`The catalog cannot be read: ${catalogError}.`, '`lab check service-discovery` names what is wrong with Consul first.');
    for (const { lb, backends } of lbs) {
      if (typeof backends === 'string') return fail(`${lb}: ${backends}.`, `\`lab deploy -c -l ${lbs.length} <num_servers>\` deploys load balancers that follow Consul; \`docker logs ${lb}\` shows why one stopped.`);
      const verdict = judgeLbBackends({ lb, catalog, backends });
      if (verdict.status !== 'pass') return verdict;
    }
    return { status: 'pass', summary: `${lbs.map((l) => l.lb).join(', ')} ${lbs.length === 1 ? 'sends' : 'send'} requests to exactly the ${catalog.length} passing instance${catalog.length === 1 ? '' : 's'} of ${SERVICE_NAME}.` };
  },

  // A catalog change reaches the LB within a second or two: look again while it converges.
  settling: ({ lbs }) => lbs.every(({ backends }) => typeof backends !== 'string'),
  retryable: ({ catalogError, lbs }) => catalogError === undefined && lbs.every(({ backends }) => typeof backends !== 'string'),
};
