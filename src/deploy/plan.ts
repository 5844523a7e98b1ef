import { EnvironmentError } from '../errors.js';
import { HAPROXY_CONFIG_PATH, renderHaproxyConfig } from '../runtime/haproxy-config.js';
import type { ContainerFacts } from '../runtime/docker.js';
import { type ContainerSpec, shellWord, toDockerArgs } from '../runtime/container-spec.js';
import { LABEL_MANAGED, LABEL_ROLE, labLabels } from '../runtime/labels.js';
import { lbPort, type DeployOptions } from './options.js';

export const NETWORK = 'simple-network';
export const SERVER_IMAGE = 'localhost:5000/simple-server';
export const LB_IMAGE = 'localhost:5000/simple-haproxy';
export { HAPROXY_CONFIG_PATH };
export const LABEL_DEPLOY = 'dev.dockerlab.deploy';
export const LABEL_PREFIX = 'dev.dockerlab.prefix';

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
  servers: ContainerSpec[];
  lbs: LbPlan[];
}

const isOurs = (container: ContainerFacts): boolean => container.labels[LABEL_MANAGED] === 'true';
const serverName = (prefix: string, index: number): string => `${prefix}_${index}`;
export const lbName = (index: number): string => `simple_haproxy_${index}`;

/**
 * Pure: from the options and the containers that exist, the plan — or a refusal when a container
 * that is not the lab's stands where the lab would put one of its own (it is never removed).
 */
export function planDeploy(options: DeployOptions, existing: ContainerFacts[], deployId: string): DeployPlan {
  const serverPattern = new RegExp(`^${options.prefix}_\\d+$`);
  const servers = Array.from({ length: options.servers }, (_, i) => serverName(options.prefix, i + 1));
  const lbs = Array.from({ length: options.lbs }, (_, i) => lbName(i + 1));
  const wanted = new Set([...servers, ...lbs]);

  const strangers = existing.filter((c) => wanted.has(c.name) && !isOurs(c)).map((c) => c.name);
  if (strangers.length > 0) {
    throw new EnvironmentError(
      `${strangers.join(', ')} ${strangers.length === 1 ? 'exists and is' : 'exist and are'} not the lab's (no dev.dockerlab labels); deploy will not remove ${strangers.length === 1 ? 'it' : 'them'}.`,
      `Rename or remove ${strangers.length === 1 ? 'it' : 'them'} yourself (\`docker rename ${strangers[0]} ${strangers[0]}-mine\`), or deploy with another --prefix.`,
    );
  }

  const replaced = existing.filter(
    (c) => isOurs(c) && ((c.labels[LABEL_ROLE] === 'server' && serverPattern.test(c.name)) || (options.lbs > 0 && c.labels[LABEL_ROLE] === 'lb')),
  );
  const deployLabels = { [LABEL_DEPLOY]: deployId };
  return {
    deployId,
    network: NETWORK,
    remove: replaced.map((c) => c.name).sort(byIndex),
    servers: servers.map((name) => ({
      name,
      image: SERVER_IMAGE,
      network: NETWORK,
      env: { SERVER_NAME: name },
      labels: { ...labLabels('horizontal-scale', 'server'), ...deployLabels, [LABEL_PREFIX]: options.prefix },
    })),
    lbs: lbs.map((name, i) => ({
      spec: {
        name,
        image: LB_IMAGE,
        network: NETWORK,
        ports: [{ containerPort: 80, hostPort: lbPort(i + 1) }],
        labels: { ...labLabels('load-balancing', 'lb'), ...deployLabels },
      },
      config: renderHaproxyConfig({ servers: servers.map((server) => ({ name: server, address: `${server}:8080` })) }),
    })),
  };
}

/** `server_2` before `server_10`. */
export function byIndex(a: string, b: string): number {
  const number = (name: string) => Number(/_(\d+)$/.exec(name)?.[1] ?? 0);
  return a.replace(/_\d+$/, '').localeCompare(b.replace(/_\d+$/, '')) || number(a) - number(b);
}

/** The plan as the `docker` commands that do the same, one per line: nothing the lab does is hidden. */
export function planAsCommands(plan: DeployPlan, configDir = '.'): string[] {
  const networkLabels = Object.entries(labLabels('horizontal-scale', 'server'))
    .filter(([key]) => key !== LABEL_ROLE)
    .flatMap(([key, value]) => ['--label', `${key}=${value}`]);
  return [
    `docker network inspect ${plan.network} >/dev/null 2>&1 || docker network create ${networkLabels.join(' ')} ${plan.network}`,
    ...(plan.remove.length > 0 ? [`docker rm -f ${plan.remove.join(' ')}`] : []),
    ...plan.servers.map((spec) => `docker run -d ${toDockerArgs(spec).join(' ')}`),
    ...plan.lbs.flatMap(({ spec }) => [
      `docker create ${toDockerArgs(spec).join(' ')}`,
      `docker cp ${shellWord(`${configDir}/${spec.name}.cfg`)} ${spec.name}:${HAPROXY_CONFIG_PATH}`,
      `docker start ${spec.name}`,
    ]),
  ];
}
