/**
 * Stage 5 (multi-host): one service kind per lab machine, requests that cross machines, and Consul
 * on its own machine seeing the web machine's servers. Observing asks the lab's engine for the
 * machines and each machine's own engine for its containers; judging is pure over those facts.
 */

import { plural } from '../format.js';
import { type CatalogInstance, parseHealthService, passingInstances } from './consul-judges.js';
import { sendRequests, type Served } from '../probes/requests.js';
import { judgeMachineUp } from './machine-up.js';
import { machineRuns, observeMachines, runningOn, type MachineView } from '../probes/machines.js';
import { fail, pass, type ReadOnlyCheckModule, type Judgement, type Zod } from './types.js';
import { checkBase, fields } from './spec-base.js';


// --- machine-roles -----------------------------------------------------------------------------

export interface MachineRolesFacts {
  views: MachineView[];
}

export function judgeMachineRoles(wanted: { name: string; role: string }[], allow: string[], views: MachineView[]): Judgement {
  const found: string[] = [];
  for (const { name, role } of wanted) {
    const view = views.find((v) => v.name === name);
    const down = judgeMachineUp(view, name);
    if (down) return down;
    const running = runningOn(view!);
    const own = running.filter((c) => c.role === role);
    if (own.length === 0) return fail(`The machine "${name}" runs no ${role} container.`, `Point docker at it (\`eval $(lab machine env ${name})\`) and start its ${role} there; \`docker ps\` shows what runs.`);
    const strays = running.filter((c) => c.role !== role && !allow.includes(c.role));
    if (strays.length > 0) {
      const list = strays.map((c) => `${c.name} (${c.role || 'not a lab image'})`).join(', ');
      return fail(`The machine "${name}" runs ${list} besides its ${role}s: one service kind per host.`, `Move it to its own machine: \`eval $(lab machine env ${name}) && docker rm -f ${strays[0]!.name}\`.`);
    }
    found.push(`${name}: ${plural(own.length, role)}`);
  }
  return pass(`One service kind per machine — ${found.join(', ')}.`);
}

/** The lesson line of a `machine-roles` check. */
export const machineRolesSpec = (z: Zod) =>
  z.object({
    kind: z.literal('machine-roles'),
    ...checkBase(z),
    /** Each lab machine and the one kind of service (the containers' dev.dockerlab.role) it runs. */
    machines: z.array(z.object({ name: z.string().min(1), role: z.string().min(1) })).min(1),
    /** Roles any machine may run besides its own: the node's Consul agent is infrastructure. */
    allow: z.array(z.string().min(1)).default(['consul-agent']),
  });

export const machineRoles: ReadOnlyCheckModule<typeof machineRolesSpec, MachineRolesFacts> = {
  kind: 'machine-roles',
  spec: machineRolesSpec,
  effect: 'read-only',
  async observe(spec, { docker }) {
    return { views: await observeMachines(docker, spec.machines.map((m) => m.name)) };
  },
  judge: (spec, facts) => judgeMachineRoles(spec.machines, spec.allow, facts.views),
  retryable: (facts) => facts.views.every(machineRuns),
  // A machine that was just started needs a second for its engine.
  settling: (facts) => facts.views.some((v) => v.running && !Array.isArray(v.containers)),
};

// --- cross-host-lb -----------------------------------------------------------------------------

/** At least `wanted` servers running on the web machine (the stage-5 challenge's fourth), or why not. */
function tooFewServers(web: string, running: string[], wanted: number | undefined): Judgement | undefined {
  if (wanted === undefined || running.length >= wanted) return undefined;
  const next = `server_${running.length + 1}`;
  return fail(`"${web}" runs ${plural(running.length, 'server')} (${running.join(', ') || 'none'}); this wants ${wanted}.`, `Run ${next} on "${web}" as the others run there, its port 8080 published on the machine (\`-p 808${running.length + 1}:8080\`).`);
}

/** The lesson field both cross-host kinds share: how many servers the web machine must run (default: any). */
const minServers = (z: Zod) => z.number().int().min(1).max(9).optional();

export interface CrossHostLbFacts {
  web?: MachineView;
  lb?: MachineView;
  /** Running servers on the web machine. */
  servers: string[];
  served: Served[];
}

const serverNames = (view: MachineView): string[] => runningOn(view).filter((c) => c.role === 'server').map((c) => c.name).sort();

export function judgeCrossHostLb(spec: { lb: string; web: string; port: number; servers?: number }, facts: CrossHostLbFacts): Judgement {
  const down = judgeMachineUp(facts.web, spec.web) ?? judgeMachineUp(facts.lb, spec.lb);
  if (down) return down;
  if (facts.servers.length === 0) return fail(`The machine "${spec.web}" runs no server.`, `\`eval $(lab machine env ${spec.web})\`, then start the servers there.`);
  const few = tooFewServers(spec.web, facts.servers, spec.servers);
  if (few) return few;
  if (!runningOn(facts.lb!).some((c) => c.role === 'lb')) return fail(`The machine "${spec.lb}" runs no load balancer.`, `\`eval $(lab machine env ${spec.lb})\`, then create and start simple_haproxy_1 there.`);
  const failed = facts.served.filter((s): s is { error: string } => 'error' in s);
  if (failed.length > 0) {
    return fail(`${failed.length} of ${facts.served.length} requests through 127.0.0.1:${spec.port} failed (${failed[0]!.error}).`, `Is port 80 of "${spec.lb}" published as ${spec.port} (\`lab machine ls\`)? \`eval $(lab machine env ${spec.lb}) && docker logs simple_haproxy_1\` shows what HAProxy saw.`);
  }
  const answered = new Map<string, number>();
  for (const s of facts.served) if ('server' in s) answered.set(s.server, (answered.get(s.server) ?? 0) + 1);
  const strangers = [...answered.keys()].filter((name) => !facts.servers.includes(name));
  if (strangers.length > 0) return fail(`${strangers.join(', ')} answered, but ${strangers.length === 1 ? 'is' : 'are'} not a server running on "${spec.web}".`, 'The LB must send requests across to the web machine\'s servers.');
  const silent = facts.servers.filter((name) => !answered.has(name));
  if (silent.length > 0) {
    return fail(`${facts.served.length} requests through the LB machine never reached ${silent.join(', ')} on "${spec.web}".`, `Does Consul list ${silent[0]} as passing? \`curl -s 127.0.0.1:8590/v1/health/service/simple-service?passing\`; the LB follows Consul's DNS.`);
  }
  return pass(`${facts.served.length} requests through the LB machine (127.0.0.1:${spec.port}) reached all ${plural(facts.servers.length, 'server')} on "${spec.web}": ${facts.servers.join(', ')}.`);
}

/** The lesson line of a `cross-host-lb` check. */
export const crossHostLbSpec = (z: Zod) =>
  z.object({
    kind: z.literal('cross-host-lb'),
    ...checkBase(z),
    /** The LB machine, its port 80 published on 127.0.0.1:port. */
    lb: z.string().default('lb'),
    port: fields.port(z),
    /** The machine whose running servers must all answer through the LB. */
    web: z.string().default('web'),
    perServer: fields.perServer(z),
    servers: minServers(z),
  });

export const crossHostLb: ReadOnlyCheckModule<typeof crossHostLbSpec, CrossHostLbFacts> = {
  kind: 'cross-host-lb',
  spec: crossHostLbSpec,
  effect: 'read-only',
  async observe(spec, { docker, http }) {
    const [web, lb] = await observeMachines(docker, [spec.web, spec.lb]);
    const servers = web && judgeMachineUp(web, spec.web) === undefined ? serverNames(web) : [];
    const ready = servers.length > 0 && lb !== undefined && judgeMachineUp(lb, spec.lb) === undefined;
    const served = ready ? await sendRequests(http, spec.port, spec.perServer * servers.length) : [];
    return { ...(web ? { web } : {}), ...(lb ? { lb } : {}), servers, served };
  },
  judge: judgeCrossHostLb,
  retryable: (facts) => [facts.web, facts.lb].every(machineRuns),
};

// --- cross-host-consul -------------------------------------------------------------------------

export interface CrossHostConsulFacts {
  web?: MachineView;
  consul?: MachineView;
  /** Running servers on the web machine and the machine port each publishes. */
  servers: { name: string; port: number }[];
  passing: CatalogInstance[] | { error: string };
}

export function judgeCrossHostConsul(spec: { consul: string; web: string; port: number; servers?: number }, facts: CrossHostConsulFacts): Judgement {
  const down = judgeMachineUp(facts.consul, spec.consul) ?? judgeMachineUp(facts.web, spec.web);
  if (down) return down;
  const few = tooFewServers(spec.web, facts.servers.map((s) => s.name), spec.servers);
  if (few) return few;
  if (!Array.isArray(facts.passing)) return fail(`Consul on "${spec.consul}" did not answer on 127.0.0.1:${spec.port}: ${facts.passing.error}.`, `Is port 8500 of "${spec.consul}" published as ${spec.port}? \`eval $(lab machine env ${spec.consul}) && docker logs simple_consul_1\`.`);
  const ip = facts.web!.ip;
  const passing = facts.passing;
  const unpublished = facts.servers.filter((s) => s.port === 0);
  if (unpublished.length > 0) return fail(`${unpublished[0]!.name} on "${spec.web}" publishes no port on the machine: Consul's other nodes cannot reach it.`, `Run it with \`-p 808N:8080\` on "${spec.web}".`);
  const missing = facts.servers.filter((s) => !passing.some((i) => i.address === ip && i.port === s.port));
  if (missing.length > 0) {
    return fail(`Consul does not list ${missing.map((s) => `${s.name} (${ip}:${s.port})`).join(', ')} as a passing simple-service.`, `Is the agent running on "${spec.web}" with consul/web-host.json? \`eval $(lab machine env ${spec.web}) && docker logs consul_agent\`.`);
  }
  const strangers = passing.filter((i) => i.address !== ip || !facts.servers.some((s) => s.port === i.port));
  if (strangers.length > 0) return fail(`Consul lists ${strangers.map((i) => `${i.address}:${i.port} (node ${i.node})`).join(', ')} as passing, but no server of "${spec.web}" is there.`, 'An instance whose server has stopped should fail its health check within a second or two.');
  if (facts.servers.length === 0) return fail(`The machine "${spec.web}" runs no server, and Consul lists none.`, `Start the servers on "${spec.web}".`);
  return pass(`Consul on "${spec.consul}" lists ${plural(facts.servers.length, 'passing instance')} at ${ip} (the web machine): ports ${facts.servers.map((s) => s.port).join(', ')}.`);
}

/** The lesson line of a `cross-host-consul` check. */
export const crossHostConsulSpec = (z: Zod) =>
  z.object({
    kind: z.literal('cross-host-consul'),
    ...checkBase(z),
    /** The Consul machine, its HTTP API (8500) published on 127.0.0.1:port. */
    consul: z.string().default('consul'),
    port: fields.port(z),
    web: z.string().default('web'),
    servers: minServers(z),
  });

export const crossHostConsul: ReadOnlyCheckModule<typeof crossHostConsulSpec, CrossHostConsulFacts> = {
  kind: 'cross-host-consul',
  spec: crossHostConsulSpec,
  effect: 'read-only',
  async observe(spec, { docker, http }) {
    const [web, consul] = await observeMachines(docker, [spec.web, spec.consul]);
    const servers = web && judgeMachineUp(web, spec.web) === undefined
      ? runningOn(web).filter((c) => c.role === 'server').map((c) => ({ name: c.name, port: c.ports.find((p) => p.containerPort === 8080)?.hostPort ?? 0 })).sort((a, b) => a.name.localeCompare(b.name))
      : [];
    let passing: CrossHostConsulFacts['passing'] = { error: 'not asked' };
    if (consul && judgeMachineUp(consul, spec.consul) === undefined) {
      const answer = await http.request(`http://127.0.0.1:${spec.port}/v1/health/service/simple-service`, { timeoutMs: 3_000 });
      passing = !answer.ok ? { error: answer.error } : answer.status !== 200 ? { error: `status ${answer.status}` } : passingInstances(parseHealthService(JSON.parse(answer.body)));
    }
    return { ...(web ? { web } : {}), ...(consul ? { consul } : {}), servers, passing };
  },
  judge: judgeCrossHostConsul,
  retryable: (facts) => [facts.web, facts.consul].every(machineRuns),
  // Health checks run every second: a server that just started is a moment from passing.
  settling: (facts) => Array.isArray(facts.passing) && facts.passing.length < facts.servers.length,
};

