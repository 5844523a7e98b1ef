import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
// Before dockerode: it defers what dockerode would load and the lab seldom uses.
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { deferEngineExtras } from './defer-engine-extras.js';
import type Docker from 'dockerode';
import { EnvironmentError } from '../errors.js';
import { resolveEndpoint, type Endpoint } from './endpoint.js';
import { ownEnvironment } from './engine-memory.js';
import { Writable } from 'node:stream';
import { toCreateOptions, type ContainerSpec } from './container-spec.js';
import { ENGINE_SILENCE_MS, explainEngineError } from './engine-errors.js';
import { detectSite, type EngineSite } from './engine-site.js';
import { observeRollout, observeSwarm, type RolloutTask, type RolloutView, type SwarmView } from './swarm-api.js';
import { MANAGED_FILTER } from './names.js';

/** How long a removal the engine has already begun may take before the lab goes on. */
const REMOVAL_WAIT_MS = 15_000;

let dockerode: typeof Docker | undefined;
/**
 * dockerode is required when the first client is made, not imported: so the stand-ins of
 * defer-engine-extras.js are in place before it loads (an import is evaluated before the importing
 * module's body, also in the bundle), and a command or a first frame that never asks the engine
 * never loads it.
 */
function loadDockerode(): typeof Docker {
  if (!dockerode) {
    deferEngineExtras();
    dockerode = createRequire(import.meta.url)('dockerode') as typeof Docker;
  }
  return dockerode;
}

export interface PortBinding {
  containerPort: number;
  hostIp: string;
  hostPort: number;
}

/** What the checks and the live view need to know of a container. */
export interface ContainerFacts {
  id: string;
  name: string;
  image: string;
  imageId: string;
  running: boolean;
  /** `running`, `exited`, `created`… */
  state: string;
  exitCode: number;
  labels: Record<string, string>;
  ports: PortBinding[];
  /** Network name → the container's address on it. */
  networks: Record<string, string>;
  /** When the engine created it (ISO time, the engine's clock). */
  created?: string;
  /** When it last started (ISO time, the engine's clock); a restart moves it, a reload does not. */
  startedAt?: string;
  /** Docker's own health check's verdict (`starting`, `healthy`, `unhealthy`); absent when it has none. */
  health?: string;
  /** What is mounted where: a named volume (`name`) or a host path. */
  mounts?: { type: string; name?: string; /** The path on the engine's machine. */ source?: string; destination: string; readOnly: boolean }[];
}

export interface ImageFacts {
  id: string;
  tags: string[];
  /** `repository@sha256:…` for each registry the image was pushed to or pulled from. */
  repoDigests: string[];
  labels: Record<string, string>;
  created: string;
}

export interface RemovedResources {
  containers: string[];
  networks: string[];
  volumes: string[];
  /** What could not be removed, and why. */
  kept: string[];
}

/** The small container-client interface the lab needs; tests of pure logic never see dockerode. */
export interface DockerClient {
  readonly endpoint: Endpoint;
  /** Resolves when the engine answers; throws an EnvironmentError naming the host otherwise. */
  ping(): Promise<void>;
  version(): Promise<{ version: string; apiVersion: string; os: string; storageDriver?: string }>;
  inspectContainer(name: string): Promise<ContainerFacts | undefined>;
  listContainers(labelFilters?: string[]): Promise<ContainerFacts[]>;
  /** The last `tail` lines of a container's stdout and stderr, in order. */
  logs(name: string, tail?: number): Promise<string[]>;
  inspectImage(reference: string): Promise<ImageFacts | undefined>;
  createContainer(spec: ContainerSpec): Promise<void>;
  startContainer(name: string): Promise<void>;
  /** Force-removes one container; the caller has made sure it is the lab's. */
  removeContainer(name: string): Promise<void>;
  /**
   * Runs a short-lived container to its end and removes it, as `docker run --rm` does: its exit code
   * and output. Throws the engine's own error when it refuses to create or start it.
   */
  run(spec: ContainerSpec, timeoutMs?: number): Promise<{ exitCode: number; output: string }>;
  /** Writes one file into a (created or running) container, as `docker cp` does. */
  putFile(container: string, path: string, content: string): Promise<void>;
  /** Runs a command inside a running container and collects its output. */
  exec(container: string, command: string[], timeoutMs?: number): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** The container as a spec that re-creates it (name, image, command, env, labels, network, ports). */
  captureSpec(name: string): Promise<ContainerSpec | undefined>;
  /** Creates the network with these labels unless one of that name exists; true when it created it. */
  ensureNetwork(name: string, labels: Record<string, string>): Promise<boolean>;
  /** Removes only what carries every given label (default: the lab's managed label). */
  removeByLabel(labelFilters?: string[]): Promise<RemovedResources>;
  /** Where the engine is, seen from here: local, or remote (its published ports on another machine). Asked once. */
  site(): Promise<EngineSite>;
  /** Kills a container (SIGKILL): the drill's lost host. */
  killContainer(name: string): Promise<void>;
  /** Stops a container as `docker stop` does (SIGTERM, then SIGKILL after `graceSeconds`); one gone or stopped already is fine. */
  stopContainer(name: string, graceSeconds: number): Promise<void>;
  createVolume(name: string, labels: Record<string, string>): Promise<void>;
  /** Volumes and networks carrying every given label. */
  listVolumes(labelFilters: string[]): Promise<{ name: string; driver: string; labels: Record<string, string> }[]>;
  listNetworks(labelFilters: string[]): Promise<{ name: string; id: string; driver: string; labels: Record<string, string> }[]>;
  /** What this engine, a Swarm manager, says of its nodes (and of one service's tasks, when named). */
  swarm(serviceName?: string): Promise<SwarmView>;
  /** A service's rolling update as this manager recorded it, with `lbService`'s log since the window's start (swarm-api.ts). */
  swarmRollout(serviceName: string, lbService: string, sinceUnix: (tasks: RolloutTask[]) => number): Promise<RolloutView | { error: string }>;
  /** The raw API client, for the runtime's own modules only (src/runtime/): nothing else reaches dockerode. */
  readonly api: Docker;
}

export function createDockerClient(env: NodeJS.ProcessEnv = process.env): DockerClient {
  const endpoint = resolveEndpoint({ env: ownEnvironment(env), home: homedir(), readFile: readIfPresent });
  return new DockerodeClient(endpoint);
}

/** A lab machine's engine: TLS on its port (127.0.0.1 here, or the remote engine's host), with the client certificate given as PEM text. */
export function createTlsDockerClient({ address = '127.0.0.1', port }: { address?: string; port: number }, tls: { ca: string; cert: string; key: string }): DockerClient {
  const endpoint: Endpoint = { host: `tcp://${address}:${port}`, hostname: address, port, source: 'DOCKER_HOST' };
  return new DockerodeClient(endpoint, { ...dockerodeOptions(endpoint), protocol: 'https', ca: tls.ca, cert: tls.cert, key: tls.key });
}

class DockerodeClient implements DockerClient {
  readonly api: Docker;
  private siteAnswer: Promise<EngineSite> | undefined;

  constructor(readonly endpoint: Endpoint, options: Docker.DockerOptions = dockerodeOptions(endpoint)) {
    const Dockerode = loadDockerode();
    this.api = withoutDockerEnvironment(() => new Dockerode(options));
  }

  site(): Promise<EngineSite> {
    this.siteAnswer ??= detectSite(
      this.endpoint,
      async () => ((await this.call(() => this.api.info())) as { ID?: string }).ID ?? '',
      async (socketPath) => ((await new DockerodeClient({ host: `unix://${socketPath}`, socketPath, source: 'default' }).api.info()) as { ID?: string }).ID ?? '',
    );
    return this.siteAnswer;
  }

  async ping(): Promise<void> {
    await this.call(() => this.api.ping());
  }

  async version() {
    const [version, info] = await this.call(() => Promise.all([this.api.version(), this.api.info() as Promise<{ Driver?: string }>]));
    return { version: version.Version, apiVersion: version.ApiVersion, os: `${version.Os}/${version.Arch}`, storageDriver: info.Driver };
  }

  async inspectContainer(name: string): Promise<ContainerFacts | undefined> {
    const started = Date.now();
    try {
      const info = await this.api.getContainer(name).inspect();
      return containerFacts(info);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.translate(error, started);
    }
  }

  async listContainers(labelFilters: string[] = [MANAGED_FILTER]): Promise<ContainerFacts[]> {
    const list = await this.call(() => this.api.listContainers({ all: true, filters: { label: labelFilters } }));
    const facts = await Promise.all(list.map((item) => this.inspectContainer(item.Id)));
    return facts.filter((fact): fact is ContainerFacts => fact !== undefined);
  }

  async logs(name: string, tail = 200): Promise<string[]> {
    const started = Date.now();
    try {
      const container = this.api.getContainer(name);
      const raw = (await container.logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer;
      const info = await container.inspect();
      const text = info.Config.Tty ? raw.toString('utf8') : demultiplex(raw);
      return text.split('\n').filter((line) => line.length > 0);
    } catch (error) {
      if (statusOf(error) === 404) return [];
      throw this.translate(error, started);
    }
  }

  async inspectImage(reference: string): Promise<ImageFacts | undefined> {
    const started = Date.now();
    try {
      const info = await this.api.getImage(reference).inspect();
      return { id: info.Id, tags: info.RepoTags ?? [], repoDigests: info.RepoDigests ?? [], labels: info.Config?.Labels ?? {}, created: info.Created };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.translate(error, started);
    }
  }

  async createContainer(spec: ContainerSpec): Promise<void> {
    await this.call(() => this.api.createContainer(toCreateOptions(spec)));
  }

  async killContainer(name: string): Promise<void> {
    await this.call(() => this.api.getContainer(name).kill());
  }

  async stopContainer(name: string, graceSeconds: number): Promise<void> {
    const started = Date.now();
    try {
      await this.api.getContainer(name).stop({ t: graceSeconds });
    } catch (error) {
      // 304: not running; 404: gone (an agent the engine removed as it stopped).
      if (statusOf(error) !== 304 && statusOf(error) !== 404) throw this.translate(error, started);
    }
  }

  async createVolume(name: string, labels: Record<string, string>): Promise<void> {
    await this.call(() => this.api.createVolume({ Name: name, Labels: labels }));
  }

  async listVolumes(labelFilters: string[]) {
    const { Volumes } = await this.call(() => this.api.listVolumes({ filters: { label: labelFilters } }));
    return (Volumes ?? []).map((v) => ({ name: v.Name, driver: v.Driver, labels: v.Labels ?? {} }));
  }

  async listNetworks(labelFilters: string[]) {
    const found = await this.call(() => this.api.listNetworks({ filters: { label: labelFilters } }));
    return found.map((n) => ({ name: n.Name, id: n.Id, driver: n.Driver, labels: n.Labels ?? {} }));
  }

  swarm(serviceName?: string): Promise<SwarmView> {
    return observeSwarm(this.api, serviceName);
  }

  swarmRollout(serviceName: string, lbService: string, sinceUnix: (tasks: RolloutTask[]) => number): Promise<RolloutView | { error: string }> {
    return observeRollout(this.api, serviceName, lbService, sinceUnix, demultiplex);
  }

  async startContainer(name: string): Promise<void> {
    await this.call(() => this.api.getContainer(name).start());
  }

  async removeContainer(name: string): Promise<void> {
    const container = this.api.getContainer(name);
    const started = Date.now();
    try {
      await container.remove({ force: true, v: true });
    } catch (error) {
      if (statusOf(error) === 404) return;
      // Already being removed (an agent goes with its server, and the engine removes it: --rm): gone
      // once the engine is done, and its name free for the container that replaces it.
      if (statusOf(error) !== 409 || !/in progress/i.test(String((error as Error).message))) throw this.translate(error, started);
      const gone = () => container.inspect().then(() => false, (missing: unknown) => statusOf(missing) === 404);
      for (const deadline = Date.now() + REMOVAL_WAIT_MS; !(await gone()) && Date.now() < deadline; ) await sleep(100);
    }
  }

  async run(spec: ContainerSpec, timeoutMs = 30_000): Promise<{ exitCode: number; output: string }> {
    await this.createContainer(spec);
    try {
      await this.startContainer(spec.name);
      const container = this.api.getContainer(spec.name);
      const waited = (await this.call(() => withDeadline(container.wait(), timeoutMs, `${spec.name} did not finish within ${timeoutMs} ms`))) as { StatusCode: number };
      return { exitCode: waited.StatusCode, output: (await this.logs(spec.name)).join('\n') };
    } finally {
      await this.removeContainer(spec.name);
    }
  }

  async putFile(container: string, path: string, content: string): Promise<void> {
    const slash = path.lastIndexOf('/');
    const archive = tarOneFile(path.slice(slash + 1), Buffer.from(content, 'utf8'));
    await this.call(() => this.api.getContainer(container).putArchive(archive, { path: path.slice(0, slash) || '/' }));
  }

  async exec(container: string, command: string[], timeoutMs = 15_000) {
    return this.call(async () => {
      const exec = await this.api.getContainer(container).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const sink = (into: Buffer[]) => new Writable({ write: (chunk: Buffer, _encoding, done) => (into.push(chunk), done()) });
      this.api.modem.demuxStream(stream, sink(stdout), sink(stderr));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          stream.destroy();
          reject(new Error(`\`${command.join(' ')}\` in ${container} took more than ${timeoutMs} ms`));
        }, timeoutMs);
        stream.on('end', () => (clearTimeout(timer), resolve()));
        stream.on('error', (error) => (clearTimeout(timer), reject(error)));
      });
      const { ExitCode } = await exec.inspect();
      return { exitCode: ExitCode ?? -1, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
    });
  }

  async captureSpec(name: string): Promise<ContainerSpec | undefined> {
    let info: Docker.ContainerInspectInfo;
    const started = Date.now();
    try {
      info = await this.api.getContainer(name).inspect();
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.translate(error, started);
    }
    const ports = Object.entries(info.HostConfig.PortBindings ?? {}).flatMap(([key, bindings]) =>
      ((bindings as { HostPort: string }[] | null) ?? []).map((b) => ({ containerPort: Number.parseInt(key, 10), hostPort: Number(b.HostPort) })),
    );
    const env = Object.fromEntries((info.Config.Env ?? []).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
    return {
      name: info.Name.replace(/^\//, ''),
      image: info.Config.Image,
      labels: info.Config.Labels ?? {},
      env,
      ...(info.HostConfig.NetworkMode ? { network: info.HostConfig.NetworkMode } : {}),
      ...(info.HostConfig.PidMode ? { pid: info.HostConfig.PidMode } : {}),
      ...(info.HostConfig.AutoRemove ? { autoRemove: true } : {}),
      ...(ports.length > 0 ? { ports } : {}),
      ...(info.Config.Cmd ? { command: info.Config.Cmd } : {}),
    };
  }

  async ensureNetwork(name: string, labels: Record<string, string>): Promise<boolean> {
    const existing = await this.call(() => this.api.listNetworks({ filters: { name: [name] } }));
    if (existing.some((network) => network.Name === name)) return false;
    await this.call(() => this.api.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true }));
    return true;
  }

  async removeByLabel(labelFilters: string[] = [MANAGED_FILTER]): Promise<RemovedResources> {
    const filters = { label: labelFilters };
    const containers = await this.call(() => this.api.listContainers({ all: true, filters }));
    await Promise.all(containers.map((c) => this.ignoreMissing(this.api.getContainer(c.Id).remove({ force: true, v: true }))));
    const networks = await this.call(() => this.api.listNetworks({ filters }));
    const kept: string[] = [];
    await Promise.all(
      networks.map(async (n) => {
        try {
          await this.ignoreMissing(this.api.getNetwork(n.Id).remove());
        } catch (error) {
          if (!/active endpoints/.test((error as Error).message)) throw error;
          // Docker 20.10 can keep the endpoint of a container it has just removed (moby#17217): such a
          // stale endpoint is disconnected by force. A container that still exists keeps the network.
          if (await this.dropStaleEndpoints(n.Id)) {
            await this.ignoreMissing(this.api.getNetwork(n.Id).remove()).catch(() => kept.push(`network ${n.Name} (the engine still lists an endpoint on it)`));
          } else {
            kept.push(`network ${n.Name} (a container that is not the lab's is still connected to it)`);
          }
        }
      }),
    );
    const volumes = (await this.call(() => this.api.listVolumes({ filters }))).Volumes ?? [];
    await Promise.all(volumes.map((v) => this.ignoreMissing(this.api.getVolume(v.Name).remove())));
    return {
      containers: containers.map((c) => (c.Names[0] ?? c.Id).replace(/^\//, '')),
      networks: networks.map((n) => n.Name).filter((name) => !kept.some((k) => k.startsWith(`network ${name} `))),
      kept,
      volumes: volumes.map((v) => v.Name),
    };
  }

  /** Force-disconnects the endpoints of containers that no longer exist; false when a live container is still connected. */
  private async dropStaleEndpoints(networkId: string): Promise<boolean> {
    const network = this.api.getNetwork(networkId);
    const info = (await network.inspect()) as { Containers?: Record<string, { Name: string }> };
    let onlyStale = true;
    for (const [id, endpoint] of Object.entries(info.Containers ?? {})) {
      if (await this.inspectContainer(id)) onlyStale = false;
      else await this.ignoreMissing(network.disconnect({ Container: endpoint.Name || id, Force: true }));
    }
    return onlyStale;
  }

  private async ignoreMissing(work: Promise<unknown>): Promise<void> {
    const started = Date.now();
    try {
      await work;
    } catch (error) {
      if (statusOf(error) !== 404) throw this.translate(error, started);
    }
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await work();
    } catch (error) {
      throw this.translate(error, started);
    }
  }

  /** The engine's error said as the learner can act on it; `started`, when the call began, tells silence from a hang-up. */
  private translate(error: unknown, started: number): Error {
    return explainEngineError(this.endpoint, error, Date.now() - started) ?? (error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * docker-modem reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH from the process
 * environment when a client is made — and reads the certificate files there at once, so a
 * DOCKER_CERT_PATH left behind by a removed machine would crash it. The lab has resolved its
 * endpoint already: the client is made with those variables out of sight.
 */
function withoutDockerEnvironment<T>(make: () => T): T {
  const names = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CLIENT_TIMEOUT', 'DOCKER_PATH_PREFIX'];
  const saved = names.filter((name) => name in process.env).map((name) => [name, process.env[name]] as const);
  for (const name of names) delete process.env[name];
  try {
    return make();
  } finally {
    for (const [name, value] of saved) process.env[name] = value;
  }
}

function dockerodeOptions(endpoint: Endpoint): Docker.DockerOptions {
  if (endpoint.socketPath) return { socketPath: endpoint.socketPath, timeout: ENGINE_SILENCE_MS };
  if (endpoint.ssh) return { protocol: 'ssh', host: endpoint.hostname, port: endpoint.port, ...(endpoint.ssh.username ? { username: endpoint.ssh.username } : {}), sshOptions: sshOptions(endpoint), timeout: 60_000 };
  const tls = endpoint.tls;
  return {
    host: endpoint.hostname,
    port: endpoint.port,
    protocol: tls ? 'https' : 'http',
    timeout: ENGINE_SILENCE_MS,
    ...(tls ? tlsFiles(endpoint, tls) : {}),
  };
}

/** The certificates DOCKER_CERT_PATH names, or a one-line reason they cannot be read. */
function tlsFiles(endpoint: Endpoint, tls: NonNullable<Endpoint['tls']>): { ca: Buffer; cert: Buffer; key: Buffer } {
  const read = (path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new EnvironmentError(
        `DOCKER_TLS_VERIFY is set for ${endpoint.host}, but ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        'Set DOCKER_CERT_PATH to the folder holding the engine\'s ca.pem, cert.pem and key.pem (for a lab machine: `eval $(lab machine env NAME)`), or unset DOCKER_TLS_VERIFY for a plain engine.',
      );
    }
  };
  return { ca: read(tls.ca), cert: read(tls.cert), key: read(tls.key) };
}

/** ssh as the docker CLI logs in: the agent (SSH_AUTH_SOCK), else the first default key; neither is a one-line reason. */
function sshOptions(endpoint: Endpoint): Record<string, unknown> {
  if (process.env.SSH_AUTH_SOCK) return { agent: process.env.SSH_AUTH_SOCK };
  const key = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(homedir(), '.ssh', name)).find((path) => existsSync(path));
  if (key) return { privateKey: readFileSync(key) };
  throw new EnvironmentError(
    `${endpoint.host} is reached through ssh, and the lab has no key to log in with: no ssh agent (SSH_AUTH_SOCK) and no ~/.ssh/id_ed25519, id_ecdsa or id_rsa.`,
    'Start ssh-agent and `ssh-add` your key (or make one with `ssh-keygen` and `ssh-copy-id` it to that host), then run `lab doctor`.',
  );
}

function containerFacts(info: Docker.ContainerInspectInfo): ContainerFacts {
  const ports: PortBinding[] = [];
  for (const [key, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
    for (const binding of bindings ?? []) {
      ports.push({ containerPort: Number.parseInt(key, 10), hostIp: binding.HostIp, hostPort: Number(binding.HostPort) });
    }
  }
  const networks: Record<string, string> = {};
  for (const [name, network] of Object.entries(info.NetworkSettings.Networks ?? {})) networks[name] = network.IPAddress;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    imageId: info.Image,
    running: info.State.Running,
    state: info.State.Status,
    exitCode: info.State.ExitCode,
    labels: info.Config.Labels ?? {},
    ports,
    networks,
    created: info.Created,
    ...(info.State.StartedAt && !info.State.StartedAt.startsWith('0001-') ? { startedAt: info.State.StartedAt } : {}),
    ...(info.State.Health?.Status ? { health: info.State.Health.Status } : {}),
    mounts: (info.Mounts ?? []).map((mount) => ({ type: mount.Type, ...(mount.Name ? { name: mount.Name } : {}), ...(mount.Source ? { source: mount.Source } : {}), destination: mount.Destination, readOnly: mount.RW === false })),
  };
}

/** Docker's multiplexed log stream: 8-byte frame headers before each chunk when there is no TTY. */
export function demultiplex(raw: Buffer): string {
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const size = raw.readUInt32BE(offset + 4);
    chunks.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A ustar archive holding one regular file, for putArchive. */
export function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (value: string, offset: number, length: number) => header.write(value, offset, length, 'ascii');
  field(name, 0, 100);
  field('0000644\0', 100, 8);
  field('0000000\0', 108, 8);
  field('0000000\0', 116, 8);
  field(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 12);
  field(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136, 12);
  field('        ', 148, 8);
  field('0', 156, 1);
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
