import { EnvironmentError, UsageError } from '../errors.js';
import { BASE_IMAGE, ensureBaseImage, type BaseImageResult } from './base-image.js';
import { LAB_IMAGES, withAncestors, type LabImage } from './image-catalog.js';
import type { DockerClient } from './docker.js';
import { shellQuote, type Shell } from './shell.js';

export { LAB_IMAGES, type LabImage } from './image-catalog.js';

export type BuildEvent =
  | { type: 'base'; line: string }
  | { type: 'image-started'; image: string; command: string }
  /** One per output line; step and total are 0 until the first `Step n/m` line. */
  | { type: 'image-progress'; image: string; step: number; total: number; line: string }
  | { type: 'image-finished'; image: string; durationMs: number; cached: boolean };

export interface BuildSummary {
  base: BaseImageResult;
  images: { name: string; reference: string; durationMs: number; cached: boolean }[];
  totalMs: number;
}

export interface BuildOptions {
  shell: Shell;
  docker: DockerClient;
  /** Project root: the folder holding dockerfiles/ and example-service/. */
  root: string;
  offline: boolean;
  /** References (as stage.yaml lists them) or names from LAB_IMAGES, each built with what it is built from; default all. */
  images?: string[];
  /** Build only what the engine does not have yet (first use); by default every one is built (cached layers make it quick). */
  onlyMissing?: boolean;
  onEvent?: (event: BuildEvent) => void;
  signal?: AbortSignal;
}

/**
 * The exact build line, to run from the project root. DOCKER_BUILDKIT=0 selects the classic
 * builder: its plain `Step n/m` lines can be followed, it works with or without the buildx plugin
 * (BuildKit through a 28.x CLI needs buildx, absent here), and daemons as old as 20.10 have it.
 */
export function buildCommand(image: LabImage, baseImage?: string): string {
  const args = ['-t', image.reference, '-f', image.dockerfile];
  if (baseImage !== undefined && baseImage !== BASE_IMAGE) args.push('--build-arg', `BASE_IMAGE=${baseImage}`);
  return ['DOCKER_BUILDKIT=0 docker build', ...[...args, image.context].map(shellQuote)].join(' ');
}

/** `Step 3/7 : RUN …` → { step: 3, total: 7 }. */
export function parseBuildProgress(line: string): { step: number; total: number } | undefined {
  const match = /^Step (\d+)\/(\d+) : /.exec(line);
  return match ? { step: Number(match[1]), total: Number(match[2]) } : undefined;
}

/** Makes the base image, then builds the chosen lab images one after the other. Pushes nothing. */
export async function buildImages(options: BuildOptions): Promise<BuildSummary> {
  const started = Date.now();
  let images = selectImages(options.images);
  if (options.onlyMissing) images = await missingOnes(options.docker, images);
  const emit = options.onEvent ?? (() => undefined);
  const baseLines = lineSplitter((line) => emit({ type: 'base', line }));
  const needsBase = images.some((image) => image.from.includes(BASE_IMAGE));
  const base: BaseImageResult = needsBase ? await ensureBaseImage({ ...options, onOutput: baseLines.push }) : { image: BASE_IMAGE, source: 'unneeded', durationMs: 0 };
  baseLines.flush();
  const built: BuildSummary['images'] = [];
  for (const image of images) built.push({ name: image.name, reference: image.reference, ...(await buildOne(image, options, emit)) });
  return { base, images: built, totalMs: Date.now() - started };
}

function selectImages(names: string[] | undefined): LabImage[] {
  if (names === undefined) return LAB_IMAGES;
  const references = names.map((name) => {
    const image = LAB_IMAGES.find((candidate) => candidate.name === name || candidate.reference === name);
    if (!image && name !== BASE_IMAGE) throw new UsageError(`Unknown image "${name}".`, `Choose from: ${LAB_IMAGES.map((i) => i.name).join(', ')}.`);
    return image?.reference ?? name;
  });
  const wanted = new Set(withAncestors(references));
  return LAB_IMAGES.filter((image) => wanted.has(image.reference));
}

/** The images the engine lacks, and those built from one of them (a new parent means a new child). */
async function missingOnes(docker: DockerClient, images: LabImage[]): Promise<LabImage[]> {
  const missing = new Set<string>();
  for (const image of images) {
    if (image.from.some((parent) => missing.has(parent)) || !(await docker.inspectImage(image.reference))) missing.add(image.reference);
  }
  return images.filter((image) => missing.has(image.reference));
}

async function buildOne(image: LabImage, options: BuildOptions, emit: (event: BuildEvent) => void): Promise<{ durationMs: number; cached: boolean }> {
  const command = buildCommand(image);
  emit({ type: 'image-started', image: image.name, command: image.prepare ? `${image.prepare} && ${command}` : command });
  const log = new BuildLog();
  const lines = lineSplitter((line) => {
    log.add(line);
    emit({ type: 'image-progress', image: image.name, step: log.step, total: log.total, line });
  });
  let durationMs = 0;
  const run = async (line: string): Promise<void> => {
    const result = await options.shell.run(line, { cwd: options.root, onOutput: lines.push, signal: options.signal });
    lines.flush();
    durationMs += result.durationMs;
    if (result.cancelled) options.signal?.throwIfAborted();
    if (result.exitCode !== 0) {
      throw new EnvironmentError(
        `Building ${image.name} failed (\`${line}\` exited with ${result.exitCode}). Last lines:\n${log.tail.join('\n')}`,
        'Fix the cause shown above, then run `lab images build` again.',
      );
    }
  };
  // The build step first (what the Dockerfile copies), then the image.
  if (image.prepare) await run(image.prepare);
  await run(command);
  emit({ type: 'image-finished', image: image.name, durationMs, cached: log.cached });
  return { durationMs, cached: log.cached };
}

/** Follows classic-builder output: the current step, and whether every layer came from the cache. */
class BuildLog {
  step = 0;
  total = 0;
  readonly tail: string[] = [];
  private afterFrom = false;
  private layerSteps = 0;
  private cacheHits = 0;

  add(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 20) this.tail.shift();
    if (line.trim() === '---> Using cache') this.cacheHits += 1;
    const progress = parseBuildProgress(line);
    if (!progress) return;
    ({ step: this.step, total: this.total } = progress);
    // Every instruction after the first FROM makes a layer (or reuses a cached one); FROM and an ARG before it do not.
    if (/^Step \d+\/\d+ : FROM /i.test(line)) this.afterFrom = true;
    else if (this.afterFrom) this.layerSteps += 1;
  }

  get cached(): boolean {
    return this.cacheHits >= this.layerSteps;
  }
}

/** Turns output chunks into whole lines (carriage-return redraws become separate lines). */
function lineSplitter(onLine: (line: string) => void): { push: (text: string) => void; flush: () => void } {
  let pending = '';
  return {
    push(text) {
      const parts = (pending + text).split(/\r?\n|\r/);
      pending = parts.pop() ?? '';
      for (const line of parts) if (line.trim() !== '') onLine(line);
    },
    flush() {
      if (pending.trim() !== '') onLine(pending);
      pending = '';
    },
  };
}

