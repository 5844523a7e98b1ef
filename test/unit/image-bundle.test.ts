import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { loadLessons } from '../../src/lessons/load.js';
import { readBundle } from '../../src/runtime/image-bundle-file.js';
import { LAB_IMAGES } from '../../src/runtime/images.js';
import {
  archiveProblems,
  BLOCK,
  buildManifest,
  IMAGES_ENTRY,
  imagesNeeded,
  MANIFEST_ENTRY,
  padTo,
  parseManifest,
  parseTarHeader,
  tarHeader,
  withTag,
  type BundleManifest,
} from '../../src/runtime/image-bundle.js';
import { writeLessons } from '../helpers/lesson-fixtures.js';

const id = (digit: string): string => `sha256:${digit.repeat(64)}`;
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

function fakeManifest(archive: Buffer): BundleManifest {
  return buildManifest({
    labVersion: '0.1.0',
    created: new Date('2026-01-02T03:04:05Z'),
    images: [
      { reference: 'debian:bookworm-slim', id: id('a'), size: 100 },
      { reference: 'localhost:5000/simple-server', id: id('b'), size: 200 },
    ],
    buildCache: [id('c'), id('c'), id('a')],
    archive: { bytes: archive.length, sha256: sha256(archive) },
  });
}

/** A bundle as `lab images save` lays it out: images.tar, then manifest.json, then the end blocks. */
function bundleBytes(archive: Buffer, manifest: BundleManifest = fakeManifest(archive)): Buffer {
  const text = Buffer.from(JSON.stringify(manifest));
  const now = new Date();
  const pad = (data: Buffer) => Buffer.concat([data, Buffer.alloc(padTo(data.length) - data.length)]);
  return Buffer.concat([tarHeader(IMAGES_ENTRY, archive.length, now), pad(archive), tarHeader(MANIFEST_ENTRY, text.length, now), pad(text), Buffer.alloc(2 * BLOCK)]);
}

function writeTemp(data: Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lab-bundle-')), 'bundle.tar');
  writeFileSync(file, data);
  return file;
}

async function refusal(work: Promise<unknown>): Promise<UsageError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

const fakeArchive = Buffer.alloc(3 * BLOCK, 7);

describe('bundle manifest', () => {
  it('names each image with the archive that holds it, and its size and sha256', () => {
    const manifest = fakeManifest(fakeArchive);
    expect(manifest).toMatchObject({
      format: 'dockerlab-image-bundle/1',
      labVersion: '0.1.0',
      created: '2026-01-02T03:04:05.000Z',
      archives: [{ file: IMAGES_ENTRY, bytes: fakeArchive.length, sha256: sha256(fakeArchive) }],
      images: [
        { reference: 'debian:bookworm-slim', id: id('a'), size: 100, archive: IMAGES_ENTRY },
        { reference: 'localhost:5000/simple-server', id: id('b'), size: 200, archive: IMAGES_ENTRY },
      ],
    });
  });

  it('keeps each build-cache image once, and not the images it already names', () => {
    expect(fakeManifest(fakeArchive).buildCache).toEqual([id('c')]);
  });

  it('reads back what it wrote', () => {
    const manifest = fakeManifest(fakeArchive);
    expect(parseManifest(JSON.stringify(manifest), 'b.tar')).toEqual(manifest);
  });

  it('refuses a manifest that is not JSON, as bad input (exit 2)', () => {
    const error = (() => {
      try {
        parseManifest('{"format":', 'class.tar');
      } catch (caught) {
        return caught as UsageError;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(/^class\.tar is not a usable image bundle: its manifest\.json is not valid JSON/);
  });

  it('names the field of a manifest that is not a lab manifest', () => {
    const manifest = { ...fakeManifest(fakeArchive), images: [{ reference: 'x', id: 'not-an-id', size: 1, archive: IMAGES_ENTRY }] };
    expect(() => parseManifest(JSON.stringify(manifest), 'b.tar')).toThrow(/images\[0\]\.id: must be an image id/);
  });

  it('refuses an image said to be in an archive the manifest does not list', () => {
    const manifest = fakeManifest(fakeArchive);
    manifest.images[1]!.archive = 'other.tar';
    expect(() => parseManifest(JSON.stringify(manifest), 'b.tar')).toThrow(/puts localhost:5000\/simple-server in other\.tar, which it does not list/);
  });
});

describe('archive checks', () => {
  const manifest = fakeManifest(fakeArchive);
  const found = (bytes: number, hash: string) => new Map([[IMAGES_ENTRY, { bytes, sha256: hash }]]);

  it('finds nothing wrong with a whole archive', () => {
    expect(archiveProblems(manifest, found(fakeArchive.length, sha256(fakeArchive)))).toEqual([]);
  });

  it('reports a checksum mismatch, naming the archive and both checksums', () => {
    const other = sha256(Buffer.from('other'));
    expect(archiveProblems(manifest, found(fakeArchive.length, other))).toEqual([
      `images.tar has sha256 ${other.slice(0, 12)}…, the manifest says ${sha256(fakeArchive).slice(0, 12)}… (the file is corrupt)`,
    ]);
  });

  it('reports a size mismatch before looking at the checksum', () => {
    expect(archiveProblems(manifest, found(10, sha256(fakeArchive)))).toEqual([`images.tar holds 10 bytes, the manifest says ${fakeArchive.length}`]);
  });

  it('reports an archive the bundle does not hold', () => {
    expect(archiveProblems(manifest, new Map())).toEqual(['images.tar is missing']);
  });
});

describe('bundle file', () => {
  it('reads a whole bundle and says where images.tar lies', async () => {
    const file = writeTemp(bundleBytes(fakeArchive));
    const contents = await readBundle(file);
    expect(contents.manifest.images.map((image) => image.reference)).toEqual(['debian:bookworm-slim', 'localhost:5000/simple-server']);
    expect(contents.entries.get(IMAGES_ENTRY)).toEqual({ offset: BLOCK, size: fakeArchive.length });
    expect(readFileSync(file).subarray(BLOCK, BLOCK + fakeArchive.length)).toEqual(fakeArchive);
  });

  it('reports progress while it checks', async () => {
    const seen: number[] = [];
    await readBundle(writeTemp(bundleBytes(fakeArchive)), (progress) => seen.push(progress.bytes));
    expect(seen.at(-1)).toBe(fakeArchive.length);
  });

  it('refuses a bundle whose images.tar was changed, naming the checksum', async () => {
    const bytes = bundleBytes(fakeArchive);
    bytes[BLOCK + 100] = 0;
    const error = await refusal(readBundle(writeTemp(bytes)));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/images\.tar has sha256 .*the manifest says .*corrupt.*Nothing was loaded/);
  });

  it('refuses a truncated bundle, saying where it ends', async () => {
    const bytes = bundleBytes(fakeArchive).subarray(0, BLOCK + 1000);
    const error = await refusal(readBundle(writeTemp(bytes)));
    expect(error.message).toContain(`it is truncated: it ends at byte ${BLOCK + 1000}, inside images.tar (1000 of its ${fakeArchive.length} bytes are there)`);
  });

  it('refuses a tar without a manifest', async () => {
    const bytes = Buffer.concat([tarHeader(IMAGES_ENTRY, fakeArchive.length, new Date()), fakeArchive, Buffer.alloc(2 * BLOCK)]);
    const error = await refusal(readBundle(writeTemp(bytes)));
    expect(error.message).toContain('it holds no manifest.json');
  });

  it('refuses a file that is not a tar', async () => {
    const error = await refusal(readBundle(writeTemp(Buffer.alloc(4 * BLOCK, 'x'))));
    expect(error.message).toContain('it is not a tar file, or is damaged: a header checksum does not match at byte 0');
  });

  it('refuses a file that does not exist', async () => {
    const error = await refusal(readBundle(join(tmpdir(), 'no-such-bundle-here.tar')));
    expect(error.message).toContain('there is no such file');
  });
});

describe('tar headers', () => {
  it('reads back the name and size it wrote', () => {
    expect(parseTarHeader(tarHeader('images.tar', 123_456_789, new Date()))).toEqual({ kind: 'entry', name: 'images.tar', size: 123_456_789 });
  });

  it('takes a zero block for the end of the archive', () => {
    expect(parseTarHeader(Buffer.alloc(BLOCK))).toEqual({ kind: 'end' });
  });

  it('notices a changed header', () => {
    const header = tarHeader('images.tar', 10, new Date());
    header[130] = '7'.charCodeAt(0);
    expect(parseTarHeader(header)).toMatchObject({ kind: 'corrupt' });
  });
});

describe('imagesNeeded', () => {
  it('is what the real track declares, with what each is built from, base first and in build order', () => {
    const needed = imagesNeeded(loadLessons(join(process.cwd(), 'lessons')));
    expect(needed).toEqual(['debian:bookworm-slim', ...LAB_IMAGES.map((image) => image.reference)]);
  });

  it('takes only the declared images of a fixture track, and what they are built from', () => {
    const dir = writeLessons([
      {
        folder: '01-one',
        yaml: `id: one
title: One
summary: The one stage.
images: [localhost:5000/simple-server]
setup:
  - docker run -d --name reg dockerlab/registry
checks:
  - kind: container-running
    title: reg runs
    container: reg
`,
      },
    ]);
    // dockerlab/registry is only named in a command: nothing is guessed from commands.
    expect(imagesNeeded(loadLessons(dir))).toEqual(['debian:bookworm-slim', 'dockerlab/python', 'localhost:5000/simple-server']);
  });

  it('needs both parents of an image copied from two', () => {
    expect(imagesNeeded({ stages: [{ images: ['localhost:5000/simple-haproxy-consul'] }] })).toEqual([
      'debian:bookworm-slim',
      'localhost:5000/simple-haproxy',
      'localhost:5000/simple-consul',
      'localhost:5000/simple-haproxy-consul',
    ]);
  });

  it('needs nothing for a track that declares none', () => {
    expect(imagesNeeded({ stages: [{ images: [] }, { images: [] }] })).toEqual([]);
  });
});

describe('withTag', () => {
  it.each([
    ['localhost:5000/simple-server', 'localhost:5000/simple-server:latest'],
    ['debian:bookworm-slim', 'debian:bookworm-slim'],
    ['dockerlab/registry', 'dockerlab/registry:latest'],
    ['x@sha256:abc', 'x@sha256:abc'],
  ])('%s → %s', (reference, expected) => {
    expect(withTag(reference)).toBe(expected);
  });
});
