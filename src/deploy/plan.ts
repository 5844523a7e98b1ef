import { EnvironmentError, UsageError } from '../errors.js';
import { HAPROXY_CONFIG_PATH, renderHaproxyConfig } from '../runtime/haproxy-config.js';
import type { ContainerFacts } from '../runtime/docker.js';
import { type ContainerSpec, shellWord, toDockerArgs } from '../runtime/container-spec.js';
import { agentSidecarSpec, consulServerNames, consulServerSpecs } from '../runtime/consul-specs.js';
import { renderDnsDiscoveryConfig, renderWatchTemplateConfig } from '../runtime/haproxy-consul-config.js';
import { lbPort, type DeployOptions } from './options.js';
import { inRepository, LAB_REGISTRY } from '../runtime/repository.js';
import { agentName, CONSUL_IMAGE, LABEL_AGENT_OF, WATCH_LB_IMAGE, LABEL_MANAGED, LABEL_ROLE, labLabels, lbName, LABEL_DEPLOY, NETWORK, SERVER_IMAGE, LABEL_PREFIX, LB_IMAGE } from '../runtime/names.js';

export { HAPROXY_CONFIG_PATH };

export interface LbPlan {
  spec: ContainerSpec;
  config: string;
}

/** Everything one `lab deploy` will do, decided before anything changes. */
export interface DeployPlan {
  deployId: string;
  network: string;
  /** The lab's own containers this deploy replaces. */
  remove: string[];
  /**
   * Of those, the Consul agents to stop first, so that each leaves the cluster that stays (SIGTERM:
   * leave_on_terminate): the new servers, named as the old, then register at once instead of waiting
   * while Consul still holds a failed node of their name.
   */
  leave: string[];
  /** Consul servers (with -c), started first so the agents can join them. */
  consulServers: ContainerSpec[];
  servers: ContainerSpec[];
  /** Consul agent sidecars of the servers (with -c). */
  agents: ContainerSpec[];
  lbs: LbPlan[];
  /** Agent sidecars of watch-mode load balancers, started after them. */
  lbAgents: ContainerSpec[];
}

const isOurs = (container: ContainerFacts): boolean => container.labels[LABEL_MANAGED] === 'true';
const CONSUL_NAME = /^simple_consul_\d+$/;
const serverName = (prefix: string, index: number): string => `${prefix}_${index}`;

/**
 * Pure: from the options and the containers that exist, the plan — or a refusal when a container
 * that is not the lab's stands where the lab would put one of its own (it is never removed).
 */
export function planDeploy(options: DeployOptions, existing: ContainerFacts[], deployId: string): DeployPlan {
  const serverPattern = new RegExp(`^${options.prefix}_\\d+$`);
  const servers = Array.from({ length: options.servers }, (_, i) => serverName(options.prefix, i + 1));
  const lbs = Array.from({ length: options.lbs }, (_, i) => lbName(i + 1));
  // Service discovery: Consul servers deployed now (-c), or a Consul cluster of the lab's already
  // running, which the new servers join as it is (scaling on demand touches nothing but the servers).
  const runningConsul = existing.filter((c) => isOurs(c) && c.running && c.labels[LABEL_ROLE] === 'consul' && CONSUL_NAME.test(c.name)).map((c) => c.name).sort(byIndex);
  const consulNames = options.consul ? consulServerNames(options.consulServers) : runningConsul;
  const discovery = consulNames.length > 0;
  if (!discovery && options.lbModeGiven) {
    throw new UsageError('--lb-mode says how load balancers follow Consul, and no Consul runs.', 'Deploy Consul with it: `lab deploy -c -l 1 5`.');
  }
  const watchMode = discovery && options.lbMode === 'watch';
  const agentNames = discovery ? [...servers, ...(watchMode ? lbs : [])].map(agentName) : [];
  const wanted = new Set([...servers, ...lbs, ...(options.consul ? consulNames : []), ...agentNames]);

  const strangers = existing.filter((c) => wanted.has(c.name) && !isOurs(c)).map((c) => c.name);
  if (strangers.length > 0) {
    throw new EnvironmentError(
      `${strangers.join(', ')} ${strangers.length === 1 ? 'exists and is' : 'exist and are'} not the lab's (no dev.dockerlab labels); deploy will not remove ${strangers.length === 1 ? 'it' : 'them'}.`,
      `Rename or remove ${strangers.length === 1 ? 'it' : 'them'} yourself (\`docker rename ${strangers[0]} ${strangers[0]}-mine\`), or deploy with another --prefix.`,
    );
  }

  const role = (c: ContainerFacts) => c.labels[LABEL_ROLE];
  const servedBy = (c: ContainerFacts) => c.labels[LABEL_AGENT_OF] ?? '';
  const replaced = existing.filter(
    (c) =>
      isOurs(c) &&
      (wanted.has(c.name) ||
        (role(c) === 'server' && serverPattern.test(c.name)) ||
        (options.lbs > 0 && role(c) === 'lb' && /^simple_haproxy_\d+$/.test(c.name)) ||
        (options.consul && role(c) === 'consul' && CONSUL_NAME.test(c.name)) ||
        (role(c) === 'consul-agent' && (serverPattern.test(servedBy(c)) || (options.lbs > 0 && servedBy(c).startsWith('simple_haproxy_'))))),
  );
  const deployLabels = { [LABEL_DEPLOY]: deployId };
  const image = (reference: string) => inRepository(reference, options.repository ?? LAB_REGISTRY);
  const lbConfig = !discovery
    ? renderHaproxyConfig({ servers: servers.map((server) => ({ name: server, address: `${server}:8080` })) })
    : watchMode
      ? renderWatchTemplateConfig([])
      : renderDnsDiscoveryConfig({ consulServers: consulNames, slots: Math.max(20, options.servers * 2) });
  const lbStage = discovery ? 'service-discovery' : 'load-balancing';
  return {
    deployId,
    network: NETWORK,
    remove: [...new Set(replaced.map((c) => c.name))].sort(byIndex),
    leave: options.consul ? [] : [...new Set(replaced.filter((c) => role(c) === 'consul-agent' && c.running).map((c) => c.name))].sort(byIndex),
    consulServers: options.consul ? consulServerSpecs(options.consulServers, { network: NETWORK, labels: deployLabels, image: image(CONSUL_IMAGE) }) : [],
    servers: servers.map((name) => ({
      name,
      image: image(SERVER_IMAGE),
      network: NETWORK,
      env: { SERVER_NAME: name },
      labels: { ...labLabels('horizontal-scale', 'server'), ...deployLabels, [LABEL_PREFIX]: options.prefix },
    })),
    agents: discovery ? servers.map((container) => agentSidecarSpec({ container, servers: consulNames, registerService: true, labels: deployLabels, image: image(CONSUL_IMAGE) })) : [],
    lbs: lbs.map((name, i) => ({
      spec: {
        name,
        image: image(watchMode ? WATCH_LB_IMAGE : LB_IMAGE),
        network: NETWORK,
        ports: [{ containerPort: 80, hostPort: lbPort(i + 1) }],
        labels: { ...labLabels(lbStage, 'lb'), ...deployLabels },
      },
      config: lbConfig,
    })),
    lbAgents: watchMode ? lbs.map((container) => agentSidecarSpec({ container, servers: consulNames, registerService: false, labels: deployLabels, image: image(CONSUL_IMAGE) })) : [],
  };
}

/** `server_2` before `server_10`. */
export function byIndex(a: string, b: string): number {
  const number = (name: string) => Number(/_(\d+)$/.exec(name)?.[1] ?? 0);
  return a.replace(/_\d+$/, '').localeCompare(b.replace(/_\d+$/, '')) || number(a) - number(b);
}

const runLine = (spec: ContainerSpec): string => `docker run -d ${toDockerArgs(spec).join(' ')}`;

/** The plan as the `docker` commands that do the same, one per line: nothing the lab does is hidden. */
export function planAsCommands(plan: DeployPlan, configDir = '.'): string[] {
  const networkLabels = Object.entries(labLabels('horizontal-scale', 'server'))
    .filter(([key]) => key !== LABEL_ROLE)
    .flatMap(([key, value]) => ['--label', `${key}=${value}`]);
  return [
    `docker network inspect ${plan.network} >/dev/null 2>&1 || docker network create ${networkLabels.join(' ')} ${plan.network}`,
    ...(plan.leave.length > 0 ? [`docker stop ${plan.leave.join(' ')}`] : []),
    ...(plan.remove.length > 0 ? [`docker rm -f ${plan.remove.join(' ')}`] : []),
    ...[...plan.consulServers, ...plan.servers, ...plan.agents].map(runLine),
    ...plan.lbs.flatMap(({ spec }) => [
      `docker create ${toDockerArgs(spec).join(' ')}`,
      `docker cp ${shellWord(`${configDir}/${spec.name}.cfg`)} ${spec.name}:${HAPROXY_CONFIG_PATH}`,
      `docker start ${spec.name}`,
    ]),
    ...plan.lbAgents.map(runLine),
  ];
}
