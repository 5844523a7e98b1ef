/**
 * Every check kind, each a module that declares its lesson line (spec), how it observes or drills,
 * its judge, and its effect. The lessons' check schema is the union of the specs here: adding a kind
 * is one module and one line below, then a lesson line that uses it.
 */
import { bindMount } from './bind-mount.js';
import { lbLogVolume } from './lb-log-volume.js';
import { consulCatalog, consulQuorum, lbBackends } from './consul-checks.js';
import { consulDrill } from './consul-drill.js';
import { consulService } from './consul-service.js';
import { healthDrill } from './health-drill.js';
import { swarmRollout } from './swarm-rollout.js';
import { lbAddedServer } from './lb-added-server.js';
import { containerLog } from './container-log.js';
import { containerRunning } from './container-running.js';
import { httpEndpoint } from './http-endpoint.js';
import { lbRoundRobin, lbSpread } from './load-balancers.js';
import { crossHostConsul, crossHostLb, machineRoles } from './multi-host.js';
import { quizCheck } from './quiz.js';
import { registryImage } from './registry-image.js';
import { scaledOut } from './scaled-out.js';
import { serversCheck } from './servers.js';
import { serviceBuild } from './service-build.js';
import { volumeOutlives } from './volume-outlives.js';
import { swarmNodes, swarmRequests, swarmReschedule, swarmService } from './swarm.js';
import type { CheckEffect, CheckModule, SpecFrom, SpecMaker, Zod } from './types.js';

const CHECK_MODULES = [
  serviceBuild,
  registryImage,
  volumeOutlives,
  containerRunning,
  containerLog,
  httpEndpoint,
  serversCheck,
  lbSpread,
  lbRoundRobin,
  bindMount,
  lbLogVolume,
  consulQuorum,
  consulCatalog,
  lbBackends,
  consulDrill,
  scaledOut,
  lbAddedServer,
  consulService,
  healthDrill,
  machineRoles,
  crossHostLb,
  crossHostConsul,
  swarmNodes,
  swarmService,
  swarmRequests,
  swarmReschedule,
  swarmRollout,
  quizCheck,
] as const;

type Modules = typeof CHECK_MODULES;

/** One check as a lesson declares it (defaults filled): the union of every kind's spec. */
export type CheckSpec = SpecOf<Modules[number]>;
type SpecOf<Module> = Module extends { spec: infer Maker extends SpecMaker } ? SpecFrom<Maker> : never;
export type CheckKind = CheckSpec['kind'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCheckModule = CheckModule<any, any>;

const BY_KIND = new Map<string, AnyCheckModule>(CHECK_MODULES.map((module) => [module.kind, module]));
if (BY_KIND.size !== CHECK_MODULES.length) throw new Error('Two check modules declare the same kind.');

/** The module of a kind. */
export function moduleOf(kind: CheckKind): AnyCheckModule {
  const module = BY_KIND.get(kind);
  if (!module) throw new Error(`No check module for the kind "${kind}".`);
  return module;
}

/** Whether a kind only looks or acts on the lab (the drills). */
export const effectOf = (kind: CheckKind): CheckEffect => moduleOf(kind).effect;

/** The kinds, for tests and tools that list them. */
export const checkKinds = (): CheckKind[] => CHECK_MODULES.map((module) => module.kind);

/** The lessons' check schema: a union, on `kind`, of every kind's spec, made with the zod handed in. */
export const checkSpecSchemas = (z: Zod) => schemasOf(CHECK_MODULES, z);

type SchemasOf<T extends readonly unknown[]> = { -readonly [I in keyof T]: T[I] extends { spec: infer Maker extends SpecMaker } ? ReturnType<Maker> : never };

function schemasOf<T extends readonly { spec: SpecMaker }[]>(modules: T, z: Zod): SchemasOf<T> {
  return modules.map((module) => module.spec(z)) as SchemasOf<T>;
}
