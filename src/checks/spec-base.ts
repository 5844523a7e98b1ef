import type { Zod } from './types.js';

/** The fields every check's lesson line may have, whatever its kind. */
export const checkBase = (z: Zod) => ({
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
});

/** Fields several kinds share, each with one range (and default) for all of them. */
export const fields = {
  /** A TCP port, as lessons give them. */
  port: (z: Zod) => z.number().int().min(1).max(65535),
  /** How many Consul servers (`simple_consul_1..N`) the stage runs. */
  consulServers: (z: Zod) => z.number().int().min(1).max(9).default(5),
  /** How many load balancers (`simple_haproxy_1..N`). */
  lbCount: (z: Zod) => z.number().int().min(1).max(9),
  /** Requests per running server through each load balancer. */
  perServer: (z: Zod) => z.number().int().min(1).max(20).default(3),
};
