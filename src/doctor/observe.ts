import { execFile } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { isLabError } from '../errors.js';
import type { Lessons } from '../lessons/types.js';
import type { ProgressStore } from '../progress/store.js';
import type { DockerClient } from '../runtime/docker.js';
import { imagesNeeded, withTag } from '../runtime/image-bundle.js';
import { BASE_IMAGE } from '../runtime/base-image.js';
import { LAB_IMAGES } from '../runtime/images.js';
import { isPortFree } from '../runtime/ports.js';
import type { DiskFacts, DoctorFacts, EngineFacts, PortFacts } from './judge.js';

export interface ObserveDeps {
  docker: DockerClient;
  /** Throws a LessonError when the lessons do not load. */
  lessons: () => Lessons;
  store: ProgressStore;
}

/** Looks at everything `lab doctor` reports on; it changes nothing (beyond moving a corrupt progress file aside, as every command does). */
export async function observeDoctor(deps: ObserveDeps): Promise<DoctorFacts> {
  const { docker } = deps;
  const lessons = tryLessons(deps);
  const [dockerCli, engine] = await Promise.all([firstLineOf('docker', ['--version']), engineFacts(docker)]);
  const reachable = !('error' in engine);
  const references = lessons.loaded ? imagesNeeded(lessons.loaded) : [BASE_IMAGE, ...LAB_IMAGES.map((image) => image.reference)];
  const [images, ports, disk, cgroupWritable] = await Promise.all([
    reachable ? Promise.all(references.map(async (reference) => ({ reference, id: (await docker.inspectImage(withTag(reference)))?.id }))) : [],
    portFacts(lessons.loaded, reachable ? docker : undefined),
    reachable ? diskFacts(engine, docker) : undefined,
    access('/sys/fs/cgroup', constants.W_OK).then(() => true, () => false),
  ]);
  const { warning } = deps.store.load();
  return {
    endpoint: { host: docker.endpoint.host, source: docker.endpoint.source },
    ...(dockerCli ? { dockerCli } : {}),
    engine,
    lessons: lessons.loaded ? { dir: lessons.loaded.dir, stages: lessons.loaded.stages.length } : { error: lessons.error },
    images,
    ports,
    ...(disk ? { disk } : {}),
    cgroupWritable,
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

async function engineFacts(docker: DockerClient): Promise<EngineFacts | { error: string }> {
  try {
    const version = await docker.version();
    const info = (await docker.api.info()) as { DockerRootDir?: string; CgroupVersion?: string; CgroupDriver?: string; SecurityOptions?: string[] };
    return {
      ...version,
      ...(info.DockerRootDir ? { rootDir: info.DockerRootDir } : {}),
      ...(info.CgroupVersion ? { cgroupVersion: info.CgroupVersion } : {}),
      ...(info.CgroupDriver ? { cgroupDriver: info.CgroupDriver } : {}),
      securityOptions: info.SecurityOptions ?? [],
    };
  } catch (error) {
    return { error: isLabError(error) ? error.message : String(error) };
  }
}

/** Each port a stage publishes: free, published by a running lab container, or someone else's. */
async function portFacts(lessons: Lessons | undefined, docker: DockerClient | undefined): Promise<PortFacts[]> {
  const stagesOf = new Map<number, string[]>();
  for (const stage of lessons?.stages ?? []) for (const port of stage.ports) stagesOf.set(port, [...(stagesOf.get(port) ?? []), stage.id]);
  const ours = new Map<number, string>();
  for (const container of docker ? await docker.listContainers() : []) {
    if (container.running) for (const binding of container.ports) ours.set(binding.hostPort, container.name);
  }
  const ports = [...stagesOf.keys()].sort((a, b) => a - b);
  return Promise.all(
    ports.map(async (port): Promise<PortFacts> => {
      const stages = stagesOf.get(port) ?? [];
      const container = ours.get(port);
      if (container) return { port, stages, state: 'lab', container };
      return { port, stages, state: (await isPortFree(port)) ? 'free' : 'taken' };
    }),
  );
}

/** Free space where the engine keeps images, when that folder is on this machine. */
async function diskFacts(engine: EngineFacts, docker: DockerClient): Promise<DiskFacts | undefined> {
  if (!engine.rootDir) return undefined;
  const { socketPath, hostname } = docker.endpoint;
  if (!socketPath && !['localhost', '127.0.0.1', '::1', '[::1]'].includes(hostname ?? '')) {
    return { path: engine.rootDir, unknown: `the engine runs on ${hostname}, not here` };
  }
  try {
    const stats = await statfs(engine.rootDir);
    return { path: engine.rootDir, freeBytes: stats.bavail * stats.bsize };
  } catch (error) {
    return { path: engine.rootDir, unknown: `${(error as NodeJS.ErrnoException).code ?? 'error'} (is the engine in a VM?)` };
  }
}

function hasDebootstrap(): boolean {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/sbin'];
  return dirs.some((dir) => existsSync(join(dir, 'debootstrap')));
}

async function firstLineOf(command: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)(command, args, { encoding: 'utf8', timeout: 5_000 });
    return stdout.split('\n')[0]?.trim() || undefined;
  } catch {
    return undefined;
  }
}
