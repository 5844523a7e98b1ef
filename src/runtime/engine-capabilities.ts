import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from './base-image.js';
import type { ContainerSpec } from './container-spec.js';
import type { DockerClient } from './docker.js';
import { labLabels } from './names.js';

/**
 * What the engine is and allows, as the lab chooses by it: detected from what the engine reports and
 * from what it does when asked — never inferred from a version string. `lab doctor` prints it; lab
 * machines are made from it.
 */
export interface EngineInfo {
  id: string;
  version: string;
  apiVersion: string;
  /** `Debian GNU/Linux 13 (trixie)`, `Docker Desktop`, … */
  operatingSystem: string;
  kernel: string;
  cgroupVersion: 1 | 2;
  cgroupDriver: string;
  storageDriver: string;
  rootDir: string;
  rootless: boolean;
  /** User namespaces remapped (userns-remap): --privileged needs --userns=host there. */
  userns: boolean;
  product: 'docker' | 'docker-desktop' | 'podman';
}

/** The engine's own answers to /version and /info, as dockerode returns them. */
export interface EngineAnswers {
  version: { Version?: string; ApiVersion?: string; Components?: { Name?: string }[] };
  info: {
    ID?: string;
    OperatingSystem?: string;
    KernelVersion?: string;
    CgroupVersion?: string;
    CgroupDriver?: string;
    Driver?: string;
    DockerRootDir?: string;
    SecurityOptions?: string[];
  };
}

/** Pure: the engine's facts from its answers. An engine too old to say its cgroup version has v1. */
export function engineInfoFrom({ version, info }: EngineAnswers): EngineInfo {
  const security = (info.SecurityOptions ?? []).join(' ');
  const podman = (version.Components ?? []).some((c) => /podman/i.test(c.Name ?? ''));
  return {
    id: info.ID ?? '',
    version: version.Version ?? 'unknown',
    apiVersion: version.ApiVersion ?? 'unknown',
    operatingSystem: info.OperatingSystem ?? 'unknown',
    kernel: info.KernelVersion ?? 'unknown',
    cgroupVersion: info.CgroupVersion === '2' ? 2 : 1,
    cgroupDriver: info.CgroupDriver ?? 'unknown',
    storageDriver: info.Driver ?? 'unknown',
    rootDir: info.DockerRootDir ?? '',
    rootless: /name=rootless/.test(security),
    userns: /name=userns/.test(security),
    product: podman ? 'podman' : /docker desktop/i.test(info.OperatingSystem ?? '') ? 'docker-desktop' : 'docker',
  };
}

export async function engineInfo(docker: DockerClient): Promise<EngineInfo> {
  await docker.ping();
  const [version, info] = await Promise.all([docker.api.version(), docker.api.info()]);
  return engineInfoFrom({ version, info } as EngineAnswers);
}

/** What containers get on this engine, found by running two small ones. */
export interface ContainerFacts {
  /** Whether `--privileged` starts a container; the engine's words when it does not. */
  privileged: { allowed: true } | { allowed: false; error: string };
  /** `ulimit -n` in a container with no --ulimit: soft and hard. */
  nofile?: { soft: string; hard: string };
  /**
   * Whether a bind mount of a folder on this machine shows its files: true for an engine on this
   * machine (or Docker Desktop's shared folders), false for one on another (ssh://, tcp://, a lab
   * machine's). Probed on first need (a step that bind-mounts), not with the two above.
   */
  clientFiles?: boolean;
}

const probeSpec = (image: string, extra: Partial<ContainerSpec>): ContainerSpec => ({
  name: `lab-probe-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  image,
  labels: labLabels('engine', 'probe'),
  ...extra,
});

/** Runs the two probes in `image` (any image with a shell: the lab's base, or dockerlab/host). */
export async function probeContainers(docker: DockerClient, image: string): Promise<ContainerFacts> {
  let privileged: ContainerFacts['privileged'];
  try {
    const { exitCode, output } = await docker.run(probeSpec(image, { privileged: true, entrypoint: ['true'] }));
    privileged = exitCode === 0 ? { allowed: true } : { allowed: false, error: `exit ${exitCode}: ${output.slice(0, 200)}` };
  } catch (error) {
    privileged = { allowed: false, error: engineWords(error) };
  }
  const limits = await docker.run(probeSpec(image, { entrypoint: ['sh', '-c', 'ulimit -Sn; ulimit -Hn'] })).catch(() => undefined);
  const [soft, hard] = limits?.exitCode === 0 ? limits.output.trim().split(/\s+/) : [];
  return { privileged, ...(soft && hard ? { nofile: { soft, hard } } : {}) };
}

/**
 * Bind-mounts a fresh folder of this machine, holding a random token, into a container that prints
 * it: the token comes back only if the engine sees this machine's files. `--mount type=bind` is
 * refused for a source the engine's machine lacks, so nothing is made there. Undefined when the probe
 * could not say (no image, an engine error of another kind).
 */
export async function probeClientFiles(docker: DockerClient, image: string): Promise<boolean | undefined> {
  mkdirSync(cacheRoot(), { recursive: true });
  const folder = mkdtempSync(join(cacheRoot(), 'bind-probe-'));
  const token = randomBytes(8).toString('hex');
  writeFileSync(join(folder, 'token'), token);
  try {
    const { exitCode, output } = await docker.run(probeSpec(image, { entrypoint: ['cat', '/probe/token'], binds: [{ source: folder, target: '/probe', readOnly: true }] }));
    return exitCode === 0 && output.trim() === token;
  } catch (error) {
    return /bind source path does not exist|invalid mount config/i.test(engineWords(error)) ? false : undefined;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Whether this engine sees this machine's files (cached per engine, as the other probes are). */
export async function engineSeesClientFiles(docker: DockerClient, image: string, file = join(cacheRoot(), 'engines.json')): Promise<boolean | undefined> {
  const info = await engineInfo(docker);
  const cached = cachedContainerFacts(info, file)?.clientFiles;
  if (cached !== undefined) return cached;
  const clientFiles = await probeClientFiles(docker, image);
  if (clientFiles !== undefined) updateCache(file, info, { clientFiles });
  return clientFiles;
}

/** The useful part of an engine error: "… unable to apply caps: operation not permitted". */
export function engineWords(error: unknown): string {
  const message = (error as { json?: { message?: string } }).json?.message ?? (error instanceof Error ? error.message : String(error));
  const text = message.replace(/^\(HTTP code \d+\)[^-]*- /, '').replace(/\s+/g, ' ').trim();
  // runc's own words come after its long preamble: "… unable to start container process: unable to apply caps: … : unknown".
  const runc = /unable to start container process: (.*?)(?:: unknown)?$/.exec(text)?.[1];
  return (runc ?? text).slice(0, 300);
}

/** The probes' results, kept per engine (its id, version and kernel) so each is run once. */
type ProbeCache = Record<string, Partial<ContainerFacts> & { at: string }>;

const cacheKey = (info: EngineInfo): string => `${info.id}|${info.version}|${info.kernel}`;

export function cachedContainerFacts(info: EngineInfo, file = join(cacheRoot(), 'engines.json')): Partial<ContainerFacts> | undefined {
  return readCache(file)[cacheKey(info)];
}

/** The container facts of this engine: from the cache, or probed now (and cached). */
export async function containerFacts(docker: DockerClient, info: EngineInfo, image: string, file = join(cacheRoot(), 'engines.json')): Promise<ContainerFacts> {
  const cached = cachedContainerFacts(info, file);
  // An entry may hold only what a check probed on its own (clientFiles).
  if (cached?.privileged) return cached as ContainerFacts;
  const facts = await probeContainers(docker, image);
  updateCache(file, info, facts);
  return facts;
}

function updateCache(file: string, info: EngineInfo, facts: Partial<ContainerFacts>): void {
  const cache = readCache(file);
  cache[cacheKey(info)] = { ...cache[cacheKey(info)], ...facts, at: new Date().toISOString() };
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(`${file}.${process.pid}`, `${JSON.stringify(cache, null, 2)}\n`);
    renameSync(`${file}.${process.pid}`, file);
  } catch {
    // A cache that cannot be written only means probing again next time.
  }
}

function readCache(file: string): ProbeCache {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as ProbeCache) : {};
  } catch {
    return {};
  }
}
