import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { isLabError } from '../errors.js';
import type { Lessons } from '../lessons/types.js';
import type { ProgressStore } from '../progress/store.js';
import type { DockerClient } from '../runtime/docker.js';
import { ownEnvironment } from '../runtime/engine-memory.js';
import { containerFacts, engineInfo, type ContainerFacts, type EngineInfo } from '../runtime/engine-capabilities.js';
import type { EngineSite } from '../runtime/engine-site.js';
import { withTag } from '../runtime/image-catalog.js';
import { BASE_IMAGE, LAB_IMAGES } from '../runtime/image-catalog.js';
import { enginePortsFree } from '../runtime/ports.js';
import type { BuilderFacts, DiskFacts, DoctorFacts, PortFacts, StageFacts } from './judge.js';

export interface ObserveDeps {
  docker: DockerClient;
  /** Throws a LessonError when the lessons do not load. */
  lessons: () => Lessons;
  store: ProgressStore;
}

const run = promisify(execFile);

/**
 * Looks at everything `lab doctor` reports on. It changes nothing of the learner's: the two probe
 * containers it may run (is --privileged allowed, what open-files limit do containers get) carry the
 * lab's labels, are removed at once, and their answer is cached for this engine.
 */
export async function observeDoctor(deps: ObserveDeps): Promise<DoctorFacts> {
  const { docker } = deps;
  const lessons = tryLessons(deps);
  const [dockerCli, builder, engine] = await Promise.all([firstLineOf('docker', ['--version']), builderFacts(), observeEngine(docker)]);
  const reachable = !('error' in engine);
  const [site, stages, ports] = await Promise.all([
    reachable ? docker.site() : undefined,
    reachable ? stageFacts(docker, lessons.loaded) : [],
    portFacts(lessons.loaded, reachable ? docker : undefined),
  ]);
  const [containers, disk] = reachable ? await Promise.all([probe(docker, engine), diskFacts(engine, site)]) : [];
  const { warning } = deps.store.load();
  return {
    endpoint: { host: docker.endpoint.host, source: docker.endpoint.source },
    ...(dockerCli ? { dockerCli } : {}),
    ...(builder ? { builder } : {}),
    engine,
    ...(site ? { site } : {}),
    ...(containers ? { containers } : {}),
    lessons: lessons.loaded ? { dir: lessons.loaded.dir, stages: lessons.loaded.stages.length } : { error: lessons.error },
    stages,
    ports,
    ...(disk ? { disk } : {}),
    debootstrap: hasDebootstrap(),
    progress: { path: deps.store.path, ...(warning ? { warning } : {}) },
  };
}

function tryLessons(deps: ObserveDeps): { loaded: Lessons; error?: undefined } | { loaded?: undefined; error: string } {
  try {
    return { loaded: deps.lessons() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

async function observeEngine(docker: DockerClient): Promise<EngineInfo | { error: string; fix?: string }> {
  try {
    return await engineInfo(docker);
  } catch (error) {
    return isLabError(error) ? { error: error.message, ...(error.next ? { fix: error.next } : {}) } : { error: String(error) };
  }
}

async function stageFacts(docker: DockerClient, lessons: Lessons | undefined): Promise<StageFacts[]> {
  const ids = new Map<string, string | undefined>();
  const references = new Set((lessons?.stages ?? []).flatMap((stage) => stage.images));
  await Promise.all([...references].map(async (reference) => ids.set(reference, (await docker.inspectImage(withTag(reference)))?.id)));
  return (lessons?.stages ?? []).map((stage) => ({
    id: stage.id,
    number: stage.number,
    images: stage.images.map((reference) => ({ reference, ...(ids.get(reference) ? { id: ids.get(reference)! } : {}) })),
  }));
}

/** The two probe containers, in the first lab image the engine has (they need only a shell). */
async function probe(docker: DockerClient, engine: EngineInfo): Promise<ContainerFacts | undefined> {
  for (const reference of [BASE_IMAGE, ...LAB_IMAGES.map((image) => image.reference)]) {
    if (await docker.inspectImage(withTag(reference))) return containerFacts(docker, engine, reference).catch(() => undefined);
  }
  return undefined;
}

/** Each port a stage publishes: free, published by a running lab container, or someone else's (on the engine's host). */
async function portFacts(lessons: Lessons | undefined, docker: DockerClient | undefined): Promise<PortFacts[]> {
  const stagesOf = new Map<number, string[]>();
  for (const stage of lessons?.stages ?? []) for (const port of stage.ports) stagesOf.set(port, [...(stagesOf.get(port) ?? []), stage.id]);
  const ours = new Map<number, string>();
  for (const container of docker ? await docker.listContainers() : []) {
    if (container.running) for (const binding of container.ports) ours.set(binding.hostPort, container.name);
  }
  const ports = [...stagesOf.keys()].sort((a, b) => a - b);
  const free = docker ? await enginePortsFree(docker, ports.filter((port) => !ours.has(port))).catch(() => new Map<number, boolean>()) : new Map<number, boolean>();
  return ports.map((port): PortFacts => {
    const stages = stagesOf.get(port) ?? [];
    const container = ours.get(port);
    if (container) return { port, stages, state: 'lab', container };
    return { port, stages, state: free.get(port) === false ? 'taken' : 'free' };
  });
}

/** Free space where the engine keeps images, when that folder is on this machine. */
async function diskFacts(engine: EngineInfo, site: EngineSite | undefined): Promise<DiskFacts | undefined> {
  if (!engine.rootDir) return undefined;
  if (site && !site.local) return { path: engine.rootDir, unknown: `the engine runs on ${site.address}, not here` };
  try {
    const stats = await statfs(engine.rootDir);
    return { path: engine.rootDir, freeBytes: stats.bavail * stats.bsize };
  } catch (error) {
    return { path: engine.rootDir, unknown: `${(error as NodeJS.ErrnoException).code ?? 'error'} (is the engine in a VM?)` };
  }
}

/**
 * What `docker build` uses when the learner types it: BuildKit when the CLI hands `build` to buildx
 * (its help then shows `docker buildx build`), the classic builder otherwise or with DOCKER_BUILDKIT=0.
 */
async function builderFacts(): Promise<BuilderFacts | undefined> {
  const env = ownEnvironment(process.env);
  if (env.DOCKER_BUILDKIT === '0') return { kind: 'classic', detail: 'DOCKER_BUILDKIT=0 is set' };
  try {
    const { stdout } = await run('docker', ['build', '--help'], { encoding: 'utf8', timeout: 10_000, env });
    if (/docker buildx build/.test(stdout)) {
      const version = await firstLineOf('docker', ['buildx', 'version']);
      return { kind: 'buildkit', detail: `docker build is docker buildx build${version ? `, ${version}` : ''}` };
    }
    return { kind: 'classic', detail: 'no buildx plugin: docker build is the legacy builder' };
  } catch {
    return undefined;
  }
}

function hasDebootstrap(): boolean {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/sbin'];
  return dirs.some((dir) => existsSync(join(dir, 'debootstrap')));
}

async function firstLineOf(command: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run(command, args, { encoding: 'utf8', timeout: 5_000 });
    return stdout.split('\n')[0]?.trim() || undefined;
  } catch {
    return undefined;
  }
}
