import { UsageError } from '../errors.js';

export interface DeployOptions {
  servers: number;
  lbs: number;
  prefix: string;
  consul: boolean;
  dryRun: boolean;
}

export const MAX_SERVERS = 200;
/** 8181, 8282 … 8989: the article's port pattern has room for nine. */
export const MAX_LBS = 9;
export const lbPort = (index: number): number => 8181 + 101 * (index - 1);

const wholeNumber = (text: string, what: string): number => {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${what} must be a whole number, not "${text}".`, 'For example `lab deploy 4` or `lab deploy -l 2 10`.');
  return Number(text);
};

/** Checks what `lab deploy` was given before anything changes; every problem is a usage error (exit 2). */
export function parseDeployOptions(raw: { servers?: string; lb?: string; prefix?: string; consul?: boolean; dryRun?: boolean }): DeployOptions {
  if (raw.servers === undefined) throw new UsageError('Say how many servers to deploy.', 'For example `lab deploy 4`.');
  const servers = wholeNumber(raw.servers, 'The number of servers');
  if (servers < 1 || servers > MAX_SERVERS) throw new UsageError(`The number of servers must be between 1 and ${MAX_SERVERS}, not ${servers}.`);
  const lbs = raw.lb === undefined ? 0 : wholeNumber(raw.lb, 'The number of load balancers (-l)');
  if (raw.lb !== undefined && (lbs < 1 || lbs > MAX_LBS)) throw new UsageError(`The number of load balancers must be between 1 and ${MAX_LBS}, not ${lbs}.`);
  const prefix = raw.prefix ?? 'server';
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(prefix)) throw new UsageError(`The prefix "${prefix}" is not a usable container name start.`, 'Use lowercase letters, digits and dashes, starting with a letter.');
  if (raw.consul) throw new UsageError('`-c/--consul` arrives with the service-discovery stage; it is not available yet.', 'Deploy without -c for now.');
  return { servers, lbs, prefix, consul: false, dryRun: Boolean(raw.dryRun) };
}
