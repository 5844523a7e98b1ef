import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { EnvironmentError } from '../errors.js';

/** Where the Docker engine is, resolved the way the `docker` CLI does. */
export interface Endpoint {
  /** As a person would write it: `unix:///var/run/docker.sock`, `tcp://127.0.0.1:2376`. */
  host: string;
  socketPath?: string;
  hostname?: string;
  port?: number;
  /** PEM file paths when TLS is on. */
  tls?: { ca: string; cert: string; key: string };
  /** `ssh://user@host`: the engine is reached through ssh (`docker system dial-stdio` on that host). */
  ssh?: { username?: string };
  /** Where the setting came from, for `lab doctor`. */
  source: 'DOCKER_HOST' | 'context' | 'default';
  context?: string;
}

export interface EndpointEnv {
  env: NodeJS.ProcessEnv;
  home: string;
  /** Reads a file or returns undefined: injected so resolution stays pure and testable. */
  readFile(path: string): string | undefined;
}

const DEFAULT_HOST = 'unix:///var/run/docker.sock';

/** What `lab machine env` / `docker-machine env` export, in their order: they point `docker` at one machine. */
export const MACHINE_VARIABLES = ['DOCKER_TLS_VERIFY', 'DOCKER_HOST', 'DOCKER_CERT_PATH', 'DOCKER_MACHINE_NAME'] as const;

/**
 * The environment the lab itself works in. After `eval $(lab machine env web)` the learner's shell
 * points `docker` at the machine (DOCKER_MACHINE_NAME says so); the lab keeps its own engine, where
 * the machines themselves live, and its lesson steps start from there too (a step that addresses a
 * machine runs `eval $(lab machine env …)` itself). `LAB_DOCKER_HOST` names the lab's engine outright.
 */
export function labEnvironment(env: NodeJS.ProcessEnv, rememberedEngine: (machine: string) => Record<string, string> | undefined = () => undefined): NodeJS.ProcessEnv {
  const own = { ...env };
  if (env.DOCKER_MACHINE_NAME || env.LAB_DOCKER_HOST) for (const name of MACHINE_VARIABLES) delete own[name];
  if (env.LAB_DOCKER_HOST) own.DOCKER_HOST = env.LAB_DOCKER_HOST;
  // The engine the machine lives on, as `lab machine env` found it (a remote DOCKER_HOST, say): not the default.
  else if (env.DOCKER_MACHINE_NAME) Object.assign(own, rememberedEngine(env.DOCKER_MACHINE_NAME) ?? {});
  return own;
}

/** The variables that name the lab's own engine, as `lab machine env` remembers them beside a machine's certificates. */
export const ENGINE_VARIABLES = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT'] as const;

/**
 * DOCKER_HOST (with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, as `docker-machine env` exports) wins;
 * then DOCKER_CONTEXT or the current context of ~/.docker/config.json; then the default socket.
 */
export function resolveEndpoint({ env, home, readFile }: EndpointEnv): Endpoint {
  const configDir = env.DOCKER_CONFIG || join(home, '.docker');
  if (env.DOCKER_HOST) {
    const certPath = env.DOCKER_CERT_PATH || configDir;
    const tlsOn = Boolean(env.DOCKER_TLS_VERIFY) && env.DOCKER_TLS_VERIFY !== '0';
    return parseHost(env.DOCKER_HOST, 'DOCKER_HOST', tlsOn ? tlsFiles(certPath) : undefined);
  }
  const context = env.DOCKER_CONTEXT || currentContext(configDir, readFile);
  if (context && context !== 'default') {
    const id = createHash('sha256').update(context).digest('hex');
    const meta = readJson(readFile(join(configDir, 'contexts', 'meta', id, 'meta.json')));
    const docker = (meta?.Endpoints as Record<string, { Host?: string; SkipTLSVerify?: boolean }> | undefined)?.docker;
    if (docker?.Host) {
      const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
      const tls = readFile(join(tlsDir, 'ca.pem')) !== undefined ? tlsFiles(tlsDir) : undefined;
      return { ...parseHost(docker.Host, 'context', tls), context };
    }
  }
  return parseHost(DEFAULT_HOST, 'default', undefined);
}

function parseHost(host: string, source: Endpoint['source'], tls: Endpoint['tls']): Endpoint {
  if (host.startsWith('unix://')) return { host, socketPath: host.slice('unix://'.length), source };
  if (host.startsWith('ssh://')) {
    const url = new URL(host);
    return { host, hostname: url.hostname, port: Number(url.port || 22), source, ssh: url.username ? { username: decodeURIComponent(url.username) } : {} };
  }
  if (!/^tcp:\/\//.test(host)) throw new EnvironmentError(`"${host}" is not a Docker host the lab knows: it takes unix://PATH, tcp://HOST:PORT or ssh://USER@HOST.`, 'Set DOCKER_HOST to one of those (or unset it for the local engine), then run `lab doctor`.');
  const url = new URL(host.replace(/^tcp:\/\//, 'http://'));
  const port = Number(url.port || (tls ? 2376 : 2375));
  return { host, hostname: url.hostname, port, source, ...(tls ? { tls } : {}) };
}

function tlsFiles(dir: string): NonNullable<Endpoint['tls']> {
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}

function currentContext(configDir: string, readFile: EndpointEnv['readFile']): string | undefined {
  const config = readJson(readFile(join(configDir, 'config.json')));
  return typeof config?.currentContext === 'string' ? config.currentContext : undefined;
}

function readJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
