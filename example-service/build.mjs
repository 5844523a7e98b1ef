#!/usr/bin/env node
// The service's build step, run on your machine before `docker build`: it packs server.py into one
// runnable file, build/simple-server.pyz, and the Dockerfile only copies that file into the image.
// This is the article's split: a dev script makes the artifact, the image only carries it.
//
//   node example-service/build.mjs
//
// A .pyz is a Python "zipapp": a zip archive of the code with a `__main__.py`, started as
// `python3 simple-server.pyz` (what `python3 -m zipapp` makes). Written here with Node's standard
// library, so the build needs no Python on your machine, only the Node the lab runs on.
// build/build-info.json says which sources went in (their SHA-256) and the artifact's own hash:
// `lab check single-host` compares them with server.py to tell a stale build from a current one.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'build');
const sources = ['server.py'];

const files = [
  ...sources.map((name) => ({ name, data: readFileSync(join(here, name)) })),
  { name: '__main__.py', data: Buffer.from('import sys\n\nimport server\n\nsys.exit(server.main())\n') },
];
const artifact = Buffer.concat([Buffer.from('#!/usr/bin/env python3\n'), zip(files)]);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'simple-server.pyz'), artifact, { mode: 0o755 });
const info = {
  artifact: 'simple-server.pyz',
  sha256: sha256(artifact),
  sources: Object.fromEntries(files.slice(0, sources.length).map(({ name, data }) => [name, sha256(data)])),
  builtAt: new Date().toISOString(),
};
writeFileSync(join(out, 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
console.log(`built example-service/build/simple-server.pyz (${artifact.length} bytes, sha256 ${info.sha256.slice(0, 12)}) from ${sources.join(', ')}`);

function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

/** A zip archive of the files, stored uncompressed: the smallest format Python's zipimport reads. */
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const fileName = Buffer.from(name);
    const crc = crc32(data);
    // Fixed times (1 January 1980, the format's zero): the same sources make the same bytes.
    const common = (header) => {
      header.writeUInt16LE(20, 0); // version needed to extract: 2.0
      header.writeUInt16LE(0, 2); // flags
      header.writeUInt16LE(0, 4); // method: stored
      header.writeUInt16LE(0, 6); // time
      header.writeUInt16LE(0x21, 8); // date
      header.writeUInt32LE(crc, 10);
      header.writeUInt32LE(data.length, 14); // compressed size
      header.writeUInt32LE(data.length, 18); // size
      header.writeUInt16LE(fileName.length, 22);
      return header;
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    common(local.subarray(4)).writeUInt16LE(0, 24); // no extra field
    locals.push(local, fileName, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by version 2.0
    common(central.subarray(6));
    central.writeUInt32LE(0o100644 * 0x10000, 38); // external attributes: a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function crc32(data) {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
