import { existsSync } from 'node:fs';
import type { Endpoint } from './endpoint.js';

/**
 * Where the engine is, seen from this computer. Ports the engine publishes on 127.0.0.1 are on the
 * engine's host: here when the engine is local, on another machine when it is remote — then checks
 * ask from the engine's side (a probe container on its host network), never this computer's 127.0.0.1.
 */
export interface EngineSite {
  local: boolean;
  /** The engine host's address as this computer reaches it: 127.0.0.1 when local. */
  address: string;
  /** How the lab decided, for `lab doctor`. */
  why: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const DEFAULT_SOCKET = '/var/run/docker.sock';

/** Pure: what the endpoint alone says; undefined when only asking the engines can tell (a loopback TCP port). */
export function siteFromEndpoint(endpoint: Endpoint, override?: string): EngineSite | undefined {
  if (override === 'local') return { local: true, address: '127.0.0.1', why: 'LAB_ENGINE_SITE=local' };
  if (override === 'remote') return { local: false, address: endpoint.hostname ?? '127.0.0.1', why: 'LAB_ENGINE_SITE=remote' };
  if (endpoint.socketPath) return { local: true, address: '127.0.0.1', why: `a socket on this computer (${endpoint.socketPath})` };
  const hostname = endpoint.hostname ?? '';
  if (!LOOPBACK.has(hostname)) return { local: false, address: hostname, why: `${endpoint.host} is another machine` };
  return undefined;
}

/**
 * A loopback TCP (or ssh) endpoint may be this computer's engine or another one reached through a
 * forwarded port (a lab machine's engine, an ssh tunnel): it is local when the engine behind the
 * default socket here has the same id.
 */
export async function detectSite(
  endpoint: Endpoint,
  engineId: () => Promise<string>,
  socketEngineId: (socketPath: string) => Promise<string>,
  env: NodeJS.ProcessEnv = process.env,
  socketExists: (path: string) => boolean = existsSync,
): Promise<EngineSite> {
  const known = siteFromEndpoint(endpoint, env.LAB_ENGINE_SITE);
  if (known) return known;
  const remote: EngineSite = { local: false, address: '127.0.0.1', why: `${endpoint.host} is a forwarded port: its engine is not the one on this computer's socket` };
  if (!socketExists(DEFAULT_SOCKET)) return { local: true, address: '127.0.0.1', why: `${endpoint.host} is on this computer (no other engine here)` };
  try {
    const [theirs, ours] = await Promise.all([engineId(), socketEngineId(DEFAULT_SOCKET)]);
    return theirs === ours ? { local: true, address: '127.0.0.1', why: `${endpoint.host} is this computer's engine` } : remote;
  } catch {
    return remote;
  }
}
