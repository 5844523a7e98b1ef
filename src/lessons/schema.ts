import { z } from 'zod';

/** Stage ids are stable slugs: progress is stored by id, never by position. */
export const stageIdSchema = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lowercase slug like "single-host"');

const commandList = z.array(z.string().min(1, 'must not be empty')).default([]);

const checkBase = {
  /** A short sentence shown beside the result: what this check proves. */
  title: z.string().min(1),
  /** Extra advice shown after the judge's own hint when the check fails. */
  hint: z.string().optional(),
  /** Hints that escalate: the first failure shows the first, each failure in a row the next (the last repeats). */
  hints: z.array(z.string().min(1)).min(1).optional(),
  /** Milliseconds one try may take before it counts as failed (default 30 000). */
  timeout: z.number().int().min(100).max(600_000).optional(),
  /** More tries after a failure, for things that converge (a leader elected, a backend joining); default 0. */
  retries: z.number().int().min(0).max(50).optional(),
  /** Milliseconds between tries (default 1 000). */
  delay: z.number().int().min(0).max(60_000).optional(),
};

export const checkSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('registry-image'),
    ...checkBase,
    /** Repository name in the registry, e.g. `simple-server`. */
    repository: z.string().min(1),
    tag: z.string().default('latest'),
    /** host:port of the registry as the learner pushes to it. */
    registry: z.string().default('localhost:5000'),
  }),
  z.object({
    kind: z.literal('container-running'),
    ...checkBase,
    container: z.string().min(1),
    /** The image the container must run, as given to `docker run`. */
    image: z.string().optional(),
  }),
  z.object({
    kind: z.literal('container-log'),
    ...checkBase,
    container: z.string().min(1),
    /** A regular expression one log line must match. */
    pattern: z.string().min(1),
  }),
  z.object({
    kind: z.literal('http'),
    ...checkBase,
    container: z.string().min(1),
    /** The container port; the check reaches it through its 127.0.0.1 binding. */
    port: z.number().int().min(1).max(65535),
    path: z.string().startsWith('/'),
    status: z.number().int().default(200),
    /** Text the body must contain. */
    contains: z.string().optional(),
  }),
  z.object({
    kind: z.literal('servers'),
    ...checkBase,
    prefix: z.string().default('server'),
    /** Exactly this many `<prefix>_1..N` servers of one deploy. */
    count: z.number().int().min(1).max(200),
  }),
  z.object({
    kind: z.literal('lb-spread'),
    ...checkBase,
    /** The load balancers `simple_haproxy_1..count`. */
    count: z.number().int().min(1).max(9),
    /** K = perServer × running servers requests through each LB. */
    perServer: z.number().int().min(1).max(20).default(3),
  }),
  z.object({
    kind: z.literal('lb-roundrobin'),
    ...checkBase,
    count: z.number().int().min(1).max(9),
    perServer: z.number().int().min(1).max(20).default(3),
  }),
  z.object({
    kind: z.literal('consul-quorum'),
    ...checkBase,
    /** The Consul servers `simple_consul_1..servers`. */
    servers: z.number().int().min(1).max(9).default(5),
  }),
  z.object({
    kind: z.literal('consul-catalog'),
    ...checkBase,
    servers: z.number().int().min(1).max(9).default(5),
  }),
  z.object({
    kind: z.literal('lb-backends'),
    ...checkBase,
    /** The load balancers `simple_haproxy_1..count`. */
    count: z.number().int().min(1).max(9),
    servers: z.number().int().min(1).max(9).default(5),
  }),
  z.object({
    kind: z.literal('consul-drill'),
    ...checkBase,
    /** What the drill removes at once: servers (their agents go with them) and Consul servers. */
    remove: z.array(z.string().min(1)).min(1).default(['server_1', 'server_4', 'simple_consul_3']),
    /** The load balancer the load goes through. */
    lb: z.string().default('simple_haproxy_1'),
    servers: z.number().int().min(1).max(9).default(5),
    /** Requests per second during the drill. */
    rate: z.number().int().min(1).max(500).default(50),
    /** Milliseconds to converge after the removals (and to rejoin after). */
    deadline: z.number().int().min(1_000).max(120_000).default(15_000),
  }),
]);

export const stageSchema = z.object({
  id: stageIdSchema,
  title: z.string().min(1),
  summary: z.string().min(1),
  requires: z.array(stageIdSchema).default([]),
  setup: commandList,
  solve: commandList,
  cleanup: commandList,
  /** Ports the stage publishes on 127.0.0.1; checked free (or the lab's own) before setup and solve. */
  ports: z.array(z.number().int().min(1).max(65535)).default([]),
  checks: z.array(checkSchema).min(1, 'a stage needs at least one check'),
});

export type CheckSpec = z.infer<typeof checkSchema>;
export type CheckKind = CheckSpec['kind'];
export type StageFile = z.infer<typeof stageSchema>;
