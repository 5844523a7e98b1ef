import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, rename, stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { EnvironmentError, UsageError } from '../errors.js';
import type { DockerClient } from './docker.js';
import {
  archiveProblems,
  badBundle,
  BLOCK,
  buildManifest,
  IMAGES_ENTRY,
  MANIFEST_ENTRY,
  padTo,
  parseManifest,
  parseTarHeader,
  tarHeader,
  withTag,
  type ArchiveFacts,
  type BundleManifest,
} from './image-bundle.js';

/** Bytes moved so far; `total` when it is known in advance (reading a bundle, not saving one). */
export interface BundleProgress {
  phase: 'save' | 'verify' | 'load';
  bytes: number;
  total?: number;
}

export interface SaveBundleOptions {
  docker: DockerClient;
  file: string;
  references: string[];
  labVersion: string;
  now?: () => Date;
  onProgress?: (progress: BundleProgress) => void;
  signal?: AbortSignal;
}

export interface BundleResult {
  manifest: BundleManifest;
  /** Size of the bundle file. */
  bytes: number;
  durationMs: number;
}

interface LocalImage {
  reference: string;
  id: string;
  size: number;
}

/**
 * Writes the bundle: `images.tar` streams straight from the engine into the file behind a
 * placeholder header, which is filled in once its size is known; `manifest.json` follows. The work
 * happens in FILE.partial-PID, renamed to FILE only when complete, so FILE is never half a bundle.
 */
export async function saveBundle(options: SaveBundleOptions): Promise<BundleResult> {
  const started = Date.now();
  const { docker } = options;
  const images = await inspectAll(docker, options.references);
  const buildCache = await ancestorsOf(docker, images);
  const partial = `${options.file}.partial-${process.pid}`;
  const handle = await open(partial, 'w').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`Can't write ${options.file}: ${error.code === 'ENOENT' ? 'its folder does not exist' : (error.code ?? error.message)}.`, 'Give a path in a folder you can write to.');
  });
  try {
    await handle.write(Buffer.alloc(BLOCK), 0, BLOCK, 0);
    const names = [...images.map((image) => withTag(image.reference)), ...buildCache];
    const archive = await streamSave(docker, names, handle, BLOCK, options);
    const changed = await changedSince(docker, images);
    if (changed.length > 0) {
      throw new EnvironmentError(`${changed.join(', ')} changed while the bundle was being written (rebuilt meanwhile?).`, 'Run `lab images save FILE` again once no build is running.');
    }
    const manifest = buildManifest({ labVersion: options.labVersion, created: (options.now ?? (() => new Date()))(), images, buildCache, archive });
    const mtime = new Date();
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    // streamSave made sure the archive is whole blocks, so the manifest entry follows it directly.
    const tail = Buffer.concat([tarHeader(MANIFEST_ENTRY, manifestBytes.length, mtime), manifestBytes, Buffer.alloc(padTo(manifestBytes.length) - manifestBytes.length), Buffer.alloc(2 * BLOCK)]);
    await writeAll(handle, tail, BLOCK + archive.bytes);
    const position = BLOCK + archive.bytes + tail.length;
    await writeAll(handle, tarHeader(IMAGES_ENTRY, archive.bytes, mtime), 0);
    await handle.sync();
    await handle.close();
    await rename(partial, options.file);
    return { manifest, bytes: position, durationMs: Date.now() - started };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}

async function inspectAll(docker: DockerClient, references: string[]): Promise<LocalImage[]> {
  await docker.ping();
  const found = await Promise.all(references.map(async (reference) => ({ reference, info: await inspectOrUndefined(docker, withTag(reference)) })));
  const missing = found.filter((image) => !image.info).map((image) => image.reference);
  if (missing.length > 0) {
    throw new EnvironmentError(`The engine does not have ${missing.join(', ')}, so there is nothing to save for ${missing.length === 1 ? 'it' : 'them'}.`, 'Build them with `lab images build --offline`, then run `lab images save FILE` again.');
  }
  return found.map(({ reference, info }) => ({ reference, id: info!.Id, size: info!.Size }));
}

async function inspectOrUndefined(docker: DockerClient, reference: string): Promise<{ Id: string; Size: number } | undefined> {
  try {
    return await docker.api.getImage(reference).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

/** The local images each Dockerfile step made (history ids that are not `<missing>`): the classic builder's cache. */
async function ancestorsOf(docker: DockerClient, images: LocalImage[]): Promise<string[]> {
  const own = new Set(images.map((image) => image.id));
  const histories = await Promise.all(images.map(async (image) => (await docker.api.getImage(image.id).history()) as { Id: string }[]));
  const ids = histories.flat().map((entry) => entry.Id).filter((id) => id.startsWith('sha256:') && !own.has(id));
  return [...new Set(ids)];
}

async function changedSince(docker: DockerClient, images: LocalImage[]): Promise<string[]> {
  const now = await Promise.all(images.map((image) => inspectOrUndefined(docker, withTag(image.reference))));
  return images.filter((image, index) => now[index]?.Id !== image.id).map((image) => image.reference);
}

/** One `docker save` of every name, written at `start` while its size and sha256 are taken. */
async function streamSave(docker: DockerClient, names: string[], handle: FileHandle, start: number, options: SaveBundleOptions): Promise<ArchiveFacts> {
  // @types/dockerode lacks getImages (GET /images/get?names=…, the API behind `docker save a b c`).
  const api = docker.api as unknown as { getImages(options: { names: string[] }): Promise<NodeJS.ReadableStream> };
  const stream = await api.getImages({ names });
  const hash = createHash('sha256');
  let bytes = 0;
  let last = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    options.signal?.throwIfAborted();
    await writeAll(handle, chunk, start + bytes);
    hash.update(chunk);
    bytes += chunk.length;
    last = Buffer.concat([last, chunk]).subarray(-2 * BLOCK);
    options.onProgress?.({ phase: 'save', bytes });
  }
  // A tar ends with two zero blocks: anything else means the engine stopped part-way.
  if (bytes % BLOCK !== 0 || last.length < 2 * BLOCK || !last.every((byte) => byte === 0)) {
    throw new EnvironmentError(`The engine's \`docker save\` stream ended early, after ${bytes} bytes.`, 'Run `lab images save FILE` again; if it fails again, run `lab doctor`.');
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function writeAll(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) done += (await handle.write(buffer, done, buffer.length - done, position + done)).bytesWritten;
}

interface Entry {
  offset: number;
  size: number;
}

export interface BundleContents {
  manifest: BundleManifest;
  /** Where each entry's data starts in the file, and its size. */
  entries: Map<string, Entry>;
  bytes: number;
}

/** Reads and checks a bundle without loading anything: its tar structure, manifest, sizes and checksums. */
export async function readBundle(file: string, onProgress?: (progress: BundleProgress) => void, signal?: AbortSignal): Promise<BundleContents> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw badBundle(file, info ? 'it is not a file' : 'there is no such file');
  const handle = await open(file, 'r');
  try {
    const entries = await listEntries(handle, info.size, file);
    const manifestEntry = entries.get(MANIFEST_ENTRY);
    if (!manifestEntry) throw badBundle(file, `it holds no ${MANIFEST_ENTRY} (\`lab images save FILE\` makes bundles that do)`);
    if (manifestEntry.size > 4 * 1024 * 1024) throw badBundle(file, `its ${MANIFEST_ENTRY} is ${manifestEntry.size} bytes, too large to be a manifest`);
    const text = (await handle.read(Buffer.alloc(manifestEntry.size), 0, manifestEntry.size, manifestEntry.offset)).buffer.toString('utf8');
    const manifest = parseManifest(text, file);
    const total = manifest.archives.reduce((sum, archive) => sum + (entries.get(archive.file)?.size ?? 0), 0);
    const found = new Map<string, ArchiveFacts>();
    let before = 0;
    for (const archive of manifest.archives) {
      const entry = entries.get(archive.file);
      if (!entry) continue;
      const sha256 = await hashRange(file, entry, (bytes) => onProgress?.({ phase: 'verify', bytes: before + bytes, total }), signal);
      found.set(archive.file, { bytes: entry.size, sha256 });
      before += entry.size;
    }
    const problems = archiveProblems(manifest, found);
    if (problems.length > 0) throw badBundle(file, problems.join('; '));
    return { manifest, entries, bytes: info.size };
  } finally {
    await handle.close();
  }
}

/** Walks the tar headers (without reading the data between them), refusing a file that ends inside an entry. */
async function listEntries(handle: FileHandle, size: number, file: string): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  let offset = 0;
  while (offset < size) {
    if (offset + BLOCK > size) throw badBundle(file, offset === 0 ? 'it is too short to be a tar file' : `it is truncated: it ends at byte ${size}, inside a tar header`);
    const block = (await handle.read(Buffer.alloc(BLOCK), 0, BLOCK, offset)).buffer;
    const header = parseTarHeader(block);
    if (header.kind === 'end') break;
    if (header.kind === 'corrupt') throw badBundle(file, `it is not a tar file, or is damaged: ${header.problem} at byte ${offset}`);
    const dataEnd = offset + BLOCK + header.size;
    if (dataEnd > size) {
      throw badBundle(file, `it is truncated: it ends at byte ${size}, inside ${header.name} (${size - offset - BLOCK} of its ${header.size} bytes are there)`);
    }
    entries.set(header.name, { offset: offset + BLOCK, size: header.size });
    offset += BLOCK + padTo(header.size);
  }
  return entries;
}

async function hashRange(file: string, entry: Entry, onBytes: (bytes: number) => void, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  let bytes = 0;
  if (entry.size === 0) return hash.digest('hex');
  for await (const chunk of readRange(file, entry)) {
    signal?.throwIfAborted();
    hash.update(chunk);
    bytes += chunk.length;
    onBytes(bytes);
  }
  return hash.digest('hex');
}

const readRange = (file: string, entry: Entry) => createReadStream(file, { start: entry.offset, end: entry.offset + entry.size - 1, highWaterMark: 1024 * 1024 });

export interface LoadBundleOptions {
  docker: DockerClient;
  file: string;
  onProgress?: (progress: BundleProgress) => void;
  /** Called once the bundle checked out whole, before anything is loaded. */
  onVerified?: (manifest: BundleManifest) => void;
  signal?: AbortSignal;
}

/** Verifies the whole bundle first, then `docker load`s it and checks every image id is there afterwards. */
export async function loadBundle(options: LoadBundleOptions): Promise<BundleResult> {
  const started = Date.now();
  const { docker } = options;
  await docker.ping();
  const contents = await readBundle(options.file, options.onProgress, options.signal);
  options.onVerified?.(contents.manifest);
  for (const archive of contents.manifest.archives) {
    const entry = contents.entries.get(archive.file)!;
    await dockerLoad(docker, options.file, entry, options);
  }
  const problems = await missingAfterLoad(docker, contents.manifest);
  if (problems.length > 0) {
    throw new EnvironmentError(`The engine loaded ${basename(options.file)} but ${problems.join('; ')}.`, 'Run `lab images load FILE` again; if it still fails, run `lab doctor`.');
  }
  return { manifest: contents.manifest, bytes: contents.bytes, durationMs: Date.now() - started };
}

async function dockerLoad(docker: DockerClient, file: string, entry: Entry, options: LoadBundleOptions): Promise<void> {
  const source = readRange(file, entry);
  let bytes = 0;
  source.on('data', (chunk: string | Buffer) => {
    bytes += chunk.length;
    options.onProgress?.({ phase: 'load', bytes, total: entry.size });
  });
  const abort = () => source.destroy(new Error('cancelled'));
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    const response = await docker.api.loadImage(source, { quiet: false });
    let text = '';
    for await (const chunk of response as AsyncIterable<Buffer>) text += chunk.toString('utf8');
    options.signal?.throwIfAborted();
    const failure = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { error?: string; errorDetail?: { message?: string } })
      .find((message) => message.error || message.errorDetail);
    if (failure) throw new EnvironmentError(`\`docker load\` failed: ${failure.errorDetail?.message ?? failure.error}.`, 'Check the free disk space with `lab doctor`, then run `lab images load FILE` again.');
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
}

async function missingAfterLoad(docker: DockerClient, manifest: BundleManifest): Promise<string[]> {
  const images = await Promise.all(
    manifest.images.map(async (image) => {
      const found = await inspectOrUndefined(docker, withTag(image.reference));
      if (!found) return `${image.reference} is not there`;
      return found.Id === image.id ? undefined : `${image.reference} is ${found.Id.slice(7, 19)}, not ${image.id.slice(7, 19)}`;
    }),
  );
  const cache = await Promise.all(manifest.buildCache.map(async (id) => ((await inspectOrUndefined(docker, id)) ? undefined : `build-cache image ${id.slice(7, 19)} is not there`)));
  return [...images, ...cache].filter((problem): problem is string => problem !== undefined);
}
