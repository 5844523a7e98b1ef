import { byIndex } from '../deploy/plan.js';
import type { ContainerFacts, DockerClient } from '../runtime/docker.js';
import { LABEL_ROLE, NETWORK } from '../runtime/names.js';

/** A server container that runs on simple-network (named PREFIX_N): one the catalog should hold. */
export const isRunningServer = (c: ContainerFacts): boolean =>
  c.labels[LABEL_ROLE] === 'server' && c.running && NETWORK in c.networks && /^[a-z][a-z0-9-]*_\d+$/.test(c.name);

/** The server containers that run on simple-network: what the catalog should hold. */
export async function runningServers(docker: DockerClient): Promise<string[]> {
  const servers = await docker.listContainers([`${LABEL_ROLE}=server`]);
  return servers.filter(isRunningServer).map((c) => c.name).sort(byIndex);
}
