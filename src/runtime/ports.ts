import { createServer } from 'node:net';
import { EnvironmentError } from '../errors.js';
import type { DockerClient } from './docker.js';

/** True when nothing listens on host:port. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Each port must be free or published by one of the lab's own containers;
 * anything else is another program's, and the lab will not fight it.
 */
export async function ensurePortsAvailable(ports: number[], docker: DockerClient): Promise<void> {
  if (ports.length === 0) return;
  const ours = new Set((await docker.listContainers()).flatMap((c) => (c.running ? c.ports.map((p) => p.hostPort) : [])));
  for (const port of ports) {
    if (ours.has(port) || (await isPortFree(port))) continue;
    throw new EnvironmentError(
      `Port ${port} on 127.0.0.1 is already taken by something that is not part of the lab.`,
      `Find it with \`ss -ltnp 'sport = :${port}'\` (or \`docker ps\` for a container), stop it, then try again.`,
    );
  }
}
