import { z } from 'zod';
import { UsageError } from '../errors.js';
import type { Stage } from '../lessons/types.js';
import { withAncestors, withTag } from './image-catalog.js';

export { withTag };

/**
 * An offline-classroom bundle is one plain tar file: `images.tar` (one `docker save` stream of every
 * image the track needs, and their build-cache ancestors) followed by `manifest.json`, which names
 * each image and the size and sha256 of the archive holding it. Everything here is pure; the reads
 * and writes live in image-bundle-file.ts.
 */
export const BUNDLE_FORMAT = 'dockerlab-image-bundle/1';
export const IMAGES_ENTRY = 'images.tar';
export const MANIFEST_ENTRY = 'manifest.json';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits');
const imageId = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be an image id like sha256:…');

export const bundleManifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  labVersion: z.string().min(1),
  created: z.string().min(1),
  archives: z.array(z.object({ file: z.string().min(1), bytes: z.number().int().nonnegative(), sha256: sha256Hex })).min(1),
  images: z
    .array(
      z.object({
        reference: z.string().min(1),
        id: imageId,
        /** As the engine reports it: the unpacked size, not the bytes in the archive. */
        size: z.number().int().nonnegative(),
        /** The entry of the bundle that holds this image; its checksum is in `archives`. */
        archive: z.string().min(1),
      }),
    )
    .min(1),
  /** Untagged ancestors of the images (one per Dockerfile step), so `docker build` finds its cache after a load. */
  buildCache: z.array(imageId).default([]),
});

export type BundleManifest = z.infer<typeof bundleManifestSchema>;
export type BundleImage = BundleManifest['images'][number];
export interface ArchiveFacts {
  bytes: number;
  sha256: string;
}

export function buildManifest(input: {
  labVersion: string;
  created: Date;
  images: Omit<BundleImage, 'archive'>[];
  buildCache: string[];
  archive: ArchiveFacts;
}): BundleManifest {
  const taken = new Set(input.images.map((image) => image.id));
  return {
    format: BUNDLE_FORMAT,
    labVersion: input.labVersion,
    created: input.created.toISOString(),
    archives: [{ file: IMAGES_ENTRY, ...input.archive }],
    images: input.images.map((image) => ({ ...image, archive: IMAGES_ENTRY })),
    buildCache: [...new Set(input.buildCache)].filter((id) => !taken.has(id)),
  };
}

/** The manifest of a bundle, or a UsageError (bad input, exit 2) naming what is wrong with it. */
export function parseManifest(text: string, file: string): BundleManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw badBundle(file, `its ${MANIFEST_ENTRY} is not valid JSON (${(error as Error).message})`);
  }
  const parsed = bundleManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('').replace(/^\./, '') || '(root)';
    throw badBundle(file, `its ${MANIFEST_ENTRY} is not a lab bundle manifest: ${field}: ${issue?.message ?? 'is invalid'}`);
  }
  const archives = new Set(parsed.data.archives.map((archive) => archive.file));
  const orphan = parsed.data.images.find((image) => !archives.has(image.archive));
  if (orphan) throw badBundle(file, `its ${MANIFEST_ENTRY} puts ${orphan.reference} in ${orphan.archive}, which it does not list`);
  return parsed.data;
}

/** Each archive the manifest lists against what the bundle holds: one sentence per problem, none when it is whole. */
export function archiveProblems(manifest: BundleManifest, found: ReadonlyMap<string, ArchiveFacts>): string[] {
  return manifest.archives.flatMap((expected) => {
    const actual = found.get(expected.file);
    if (!actual) return [`${expected.file} is missing`];
    if (actual.bytes !== expected.bytes) return [`${expected.file} holds ${actual.bytes} bytes, the manifest says ${expected.bytes}`];
    if (actual.sha256 !== expected.sha256) return [`${expected.file} has sha256 ${actual.sha256.slice(0, 12)}…, the manifest says ${expected.sha256.slice(0, 12)}… (the file is corrupt)`];
    return [];
  });
}

export function badBundle(file: string, problem: string): UsageError {
  return new UsageError(`${file} is not a usable image bundle: ${problem}. Nothing was loaded.`, 'Copy the bundle again (or make a new one with `lab images save FILE` on a machine that has the images), then run `lab images load FILE`.');
}


/**
 * The images a track needs: every image its stages declare (`images:` in stage.yaml), with what each
 * is built from (so an offline machine can rebuild one), the base first, in build order.
 */
export function imagesNeeded(lessons: { stages: readonly Pick<Stage, 'images'>[] }): string[] {
  return withAncestors(lessons.stages.flatMap((stage) => stage.images));
}

/** ustar reads and writes: the bundle is a tar any `tar tf` can list. */
export const BLOCK = 512;
const MAX_OCTAL_SIZE = 8 ** 11 - 1;

export function tarHeader(name: string, size: number, mtime: Date): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  if (size > MAX_OCTAL_SIZE) throw new Error(`tar entry ${name} is larger than 8 GiB`);
  const header = Buffer.alloc(BLOCK);
  const field = (value: string, offset: number, length: number) => header.write(value, offset, length, 'ascii');
  field(name, 0, 100);
  field('0000644\0', 100, 8);
  field('0000000\0', 108, 8);
  field('0000000\0', 116, 8);
  field(`${size.toString(8).padStart(11, '0')}\0`, 124, 12);
  field(`${Math.floor(mtime.getTime() / 1000).toString(8).padStart(11, '0')}\0`, 136, 12);
  field('        ', 148, 8);
  field('0', 156, 1);
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  field(`${checksumOf(header).toString(8).padStart(6, '0')}\0 `, 148, 8);
  return header;
}

export type TarHeader = { kind: 'end' } | { kind: 'entry'; name: string; size: number } | { kind: 'corrupt'; problem: string };

export function parseTarHeader(block: Buffer): TarHeader {
  if (block.length < BLOCK) return { kind: 'corrupt', problem: 'a header block is cut short' };
  if (block.every((byte) => byte === 0)) return { kind: 'end' };
  const text = (offset: number, length: number) => block.toString('ascii', offset, offset + length).replace(/\0[\s\S]*$/, '');
  const stored = Number.parseInt(text(148, 8).trim(), 8);
  const copy = Buffer.from(block);
  copy.write('        ', 148, 8, 'ascii');
  if (stored !== checksumOf(copy)) return { kind: 'corrupt', problem: 'a header checksum does not match' };
  const size = Number.parseInt(text(124, 12).trim() || '0', 8);
  return { kind: 'entry', name: text(0, 100), size };
}

export const padTo = (size: number): number => Math.ceil(size / BLOCK) * BLOCK;

function checksumOf(header: Buffer): number {
  let sum = 0;
  for (const byte of header) sum += byte;
  return sum;
}
