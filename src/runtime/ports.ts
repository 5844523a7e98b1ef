import { createServer } from 'node:net';
import { EnvironmentError } from '../errors.js';
import type { DockerClient } from './docker.js';
import { PORTS_SCRIPT, runInProbe } from './engine-probe.js';

/** True when nothing listens on host:port of this computer. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Which ports are free on 127.0.0.1 of the engine's host, where it publishes them: this computer when
 * the engine is local, the other machine (asked through the probe there) when it is remote.
 */
export async function enginePortsFree(docker: DockerClient, ports: number[]): Promise<Map<number, boolean>> {
  if (ports.length === 0) return new Map();
  if ((await docker.site()).local) return new Map(await Promise.all(ports.map(async (port) => [port, await isPortFree(port)] as const)));
  const free = await runInProbe<Record<string, boolean>>(docker, PORTS_SCRIPT, ports, 15_000);
  return new Map(ports.map((port) => [port, free[String(port)] === true]));
}

/**
 * Each port must be free or published by one of the lab's own containers;
 * anything else is another program's, and the lab will not fight it.
 */
export async function ensurePortsAvailable(ports: number[], docker: DockerClient): Promise<void> {
  if (ports.length === 0) return;
  const ours = new Set((await docker.listContainers()).flatMap((c) => (c.running ? c.ports.map((p) => p.hostPort) : [])));
  const others = ports.filter((port) => !ours.has(port));
  const free = await enginePortsFree(docker, others);
  const site = await docker.site();
  for (const port of others) {
    if (free.get(port)) continue;
    const where = site.local ? '127.0.0.1' : `127.0.0.1 of the engine's host (${site.address})`;
    throw new EnvironmentError(
      `Port ${port} on ${where} is already taken by something that is not part of the lab.`,
      `Find it with \`ss -ltnp 'sport = :${port}'\`${site.local ? '' : ' there'} (or \`docker ps\` for a container), stop it, then try again.`,
    );
  }
}
