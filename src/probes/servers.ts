import { byIndex } from '../deploy/plan.js';
import type { DockerClient } from '../runtime/docker.js';
import { LABEL_ROLE, NETWORK } from '../runtime/names.js';

/** The server containers that run on simple-network: what the catalog should hold. */
export async function runningServers(docker: DockerClient): Promise<string[]> {
  const servers = await docker.listContainers([`${LABEL_ROLE}=server`]);
  return servers.filter((c) => c.running && NETWORK in c.networks && /^[a-z][a-z0-9-]*_\d+$/.test(c.name)).map((c) => c.name).sort(byIndex);
}
