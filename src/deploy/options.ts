import { UsageError } from '../errors.js';

export type LbMode = 'dns' | 'watch';

export interface DeployOptions {
  servers: number;
  lbs: number;
  prefix: string;
  consul: boolean;
  /** Consul servers to start with -c (the article's script starts five). */
  consulServers: number;
  /** How load balancers follow Consul: `consul watch` + reload (default: a server line per container) or DNS SRV slots. */
  lbMode: LbMode;
  /** --lb-mode was given: with no Consul to follow, the plan refuses it. */
  lbModeGiven?: boolean;
  dryRun: boolean;
  /** DOCKER_REPOSITORY: where the images run come from (default the lab's registry, localhost:5000). */
  repository?: string;
}

export const MAX_SERVERS = 200;
/** 8181, 8282 … 8989: the article's port pattern has room for nine. */
export const MAX_LBS = 9;
export const MAX_CONSUL = 9;
export const lbPort = (index: number): number => 8181 + 101 * (index - 1);

const wholeNumber = (text: string, what: string): number => {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${what} must be a whole number, not "${text}".`, 'For example `lab deploy 4` or `lab deploy -l 2 10`.');
  return Number(text);
};

export interface RawDeployOptions {
  servers?: string;
  lb?: string;
  prefix?: string;
  consul?: boolean;
  consulServers?: string;
  lbMode?: string;
  dryRun?: boolean;
}

/** Checks what `lab deploy` was given before anything changes; every problem is a usage error (exit 2). */
export function parseDeployOptions(raw: RawDeployOptions): DeployOptions {
  if (raw.servers === undefined) throw new UsageError('Say how many servers to deploy.', 'For example `lab deploy 4`.');
  const servers = wholeNumber(raw.servers, 'The number of servers');
  if (servers < 1 || servers > MAX_SERVERS) throw new UsageError(`The number of servers must be between 1 and ${MAX_SERVERS}, not ${servers}.`);
  const lbs = raw.lb === undefined ? 0 : wholeNumber(raw.lb, 'The number of load balancers (-l)');
  if (raw.lb !== undefined && (lbs < 1 || lbs > MAX_LBS)) throw new UsageError(`The number of load balancers must be between 1 and ${MAX_LBS}, not ${lbs}.`);
  const prefix = raw.prefix ?? 'server';
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(prefix)) throw new UsageError(`The prefix "${prefix}" is not a usable container name start.`, 'Use lowercase letters, digits and dashes, starting with a letter.');
  const consul = Boolean(raw.consul);
  if (!consul && raw.consulServers !== undefined) {
    throw new UsageError('--consul-servers goes with -c/--consul.', 'For example `lab deploy -c --consul-servers 3 -l 1 5`.');
  }
  const consulServers = raw.consulServers === undefined ? 5 : wholeNumber(raw.consulServers, 'The number of Consul servers');
  if (consulServers < 1 || consulServers > MAX_CONSUL) throw new UsageError(`The number of Consul servers must be between 1 and ${MAX_CONSUL}, not ${consulServers}.`);
  const lbMode = (raw.lbMode ?? 'watch') as LbMode;
  if (lbMode !== 'dns' && lbMode !== 'watch') throw new UsageError(`--lb-mode is "dns" or "watch", not "${raw.lbMode}".`);
  return { servers, lbs, prefix, consul, consulServers, lbMode, ...(raw.lbMode !== undefined ? { lbModeGiven: true } : {}), dryRun: Boolean(raw.dryRun) };
}
