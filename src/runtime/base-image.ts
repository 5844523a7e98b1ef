import { existsSync, readdirSync, readFileSync, type Dirent } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { DockerClient } from './docker.js';
import type { Shell } from './shell.js';

import { BASE_IMAGE } from './image-catalog.js';
import { cacheRoot } from './paths.js';

export { cacheRoot };

export { BASE_IMAGE };
/** A second name for an imported base, so it is recognisable as the lab's own. */
export const BASE_ALIAS = 'dockerlab/base:bookworm';
export const FALLBACK_MIRROR = 'http://deb.debian.org/debian';

export interface EnsureBaseOptions {
  shell: Shell;
  docker: DockerClient;
  /** Project root: commands run from here, as the learner would run them. */
  root: string;
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
  /** Skip `docker pull` and make the base from Debian's archive. */
  offline: boolean;
  /** Where the debootstrap rootfs is kept between runs (default: the XDG cache). */
  cacheDir?: string;
}

export interface BaseImageResult {
  image: string;
  /** `present`: nothing was done; `unneeded`: nothing to build started from it. */
  source: 'present' | 'pulled' | 'imported' | 'unneeded';
  durationMs: number;
}

/** Makes sure `debian:bookworm-slim` exists locally: present, pulled, or built with debootstrap. */
export async function ensureBaseImage(options: EnsureBaseOptions): Promise<BaseImageResult> {
  const started = Date.now();
  const result = (source: BaseImageResult['source']): BaseImageResult => ({ image: BASE_IMAGE, source, durationMs: Date.now() - started });
  if (await options.docker.inspectImage(BASE_IMAGE)) return result('present');
  if (!options.offline) {
    if ((await run(options, `docker pull ${BASE_IMAGE}`)) === 0) return result('pulled');
    options.onOutput?.(`No registry answered; making ${BASE_IMAGE} from Debian's archive instead.\n`);
  }
  const rootfs = await ensureRootfs(options);
  // Another build may have imported it meanwhile: an existing base is never replaced.
  if (await options.docker.inspectImage(BASE_IMAGE)) return result('present');
  await runOrThrow(options, importCommand(rootfs), `Importing ${rootfs} as ${BASE_IMAGE} failed.`);
  await runOrThrow(options, `docker tag ${BASE_IMAGE} ${BASE_ALIAS}`, `Tagging ${BASE_ALIAS} failed.`);
  return result('imported');
}

/** `docker import` of the rootfs; pipefail so that a failing tar cannot leave a truncated image. */
export function importCommand(rootfs: string): string {
  return `set -o pipefail; tar -C ${rootfs} -c . | docker import --change 'LABEL dev.dockerlab.base=true' - ${BASE_IMAGE}`;
}


/**
 * A complete bookworm minbase rootfs in the cache. debootstrap works in a private directory that is
 * renamed into place only when it succeeded, so a directory at the final path is always complete
 * and two builds running at once do not write into the same tree.
 */
async function ensureRootfs(options: EnsureBaseOptions): Promise<string> {
  const cache = options.cacheDir ?? cacheRoot();
  const rootfs = join(cache, 'rootfs-bookworm');
  if (existsSync(join(rootfs, 'etc', 'debian_version'))) return rootfs;
  const debootstrap = requireDebootstrap();
  await rm(rootfs, { recursive: true, force: true }); // damaged by hand: a rename never leaves it half-made
  const partial = `${rootfs}.partial-${process.pid}`;
  await mkdir(cache, { recursive: true });
  await rm(partial, { recursive: true, force: true });
  try {
    const mirror = firstDebianMirror(readAptSources()) ?? FALLBACK_MIRROR;
    await runOrThrow(options, `${debootstrap} --variant=minbase bookworm ${partial} ${mirror}`, 'debootstrap could not make the Debian base.');
    options.onOutput?.('# Slimming it as Debian\'s -slim images are: no docs (copyright kept), man pages, locales or apt caches.\n');
    await slimRootfs(partial);
    if (!existsSync(rootfs)) await rename(partial, rootfs);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return rootfs;
}

/** What Debian's official -slim images leave out. The dpkg rules keep it out of later `apt-get install`s too. */
const DPKG_SLIM_RULES = [
  'path-exclude /usr/share/doc/*',
  'path-include /usr/share/doc/*/copyright',
  ...['man', 'info', 'locale', 'groff', 'lintian'].map((dir) => `path-exclude /usr/share/${dir}/*`),
];

/** Applies DPKG_SLIM_RULES to what debootstrap installed, and drops apt's downloads and lists (about 90 MB). */
async function slimRootfs(dir: string): Promise<void> {
  const at = (path: string): string => join(dir, path);
  for (const path of ['usr/share/man', 'usr/share/info', 'usr/share/locale', 'usr/share/groff', 'usr/share/lintian', 'var/lib/apt/lists']) await removeIn(at(path));
  for (const entry of await entriesOf(at('usr/share/doc'))) {
    if (entry.isDirectory()) await removeIn(at(`usr/share/doc/${entry.name}`), (file) => file.name !== 'copyright');
  }
  await removeIn(at('var/cache/apt'), (entry) => entry.name.endsWith('.bin'));
  await removeIn(at('var/cache/apt/archives'), (entry) => entry.name.endsWith('.deb'));
  await writeFile(at('etc/dpkg/dpkg.cfg.d/dockerlab-slim'), `${DPKG_SLIM_RULES.join('\n')}\n`);
}

const entriesOf = (dir: string): Promise<Dirent[]> => readdir(dir, { withFileTypes: true }).catch(() => []);

/** Removes what is inside dir (or only the entries `drop` picks), keeping dir itself. */
async function removeIn(dir: string, drop: (entry: Dirent) => boolean = () => true): Promise<void> {
  const doomed = (await entriesOf(dir)).filter(drop);
  await Promise.all(doomed.map((entry) => rm(join(dir, entry.name), { recursive: true, force: true })));
}

/** The command to type: bare when on PATH, else its full path (sbin is often off a user's PATH). */
function requireDebootstrap(): string {
  const onPath = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  if (onPath.some((dir) => existsSync(join(dir, 'debootstrap')))) return 'debootstrap';
  const sbin = ['/usr/sbin', '/sbin'].find((dir) => existsSync(join(dir, 'debootstrap')));
  if (sbin) return join(sbin, 'debootstrap');
  throw new EnvironmentError(
    `No base image ${BASE_IMAGE}, no registry to pull it from, and debootstrap is not installed to make one.`,
    'Install it with `sudo apt-get install debootstrap`, then run `lab images build --offline` again (or `lab images load` a bundle).',
  );
}

export interface AptSourceFile {
  /** File name: `.sources` files are deb822 stanzas, anything else one-line `deb …` entries. */
  name: string;
  text: string;
}

/** apt's own order: sources.list, then sources.list.d/*.list and *.sources by name. */
export function readAptSources(dir = '/etc/apt'): AptSourceFile[] {
  const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
  const partsDir = join(dir, 'sources.list.d');
  const parts = existsSync(partsDir) ? readdirSync(partsDir).filter((name) => /\.(list|sources)$/.test(name)).sort() : [];
  return [{ name: 'sources.list', text: read(join(dir, 'sources.list')) }, ...parts.map((name) => ({ name, text: read(join(partsDir, name)) }))];
}

interface AptEntry {
  types: string[];
  uris: string[];
  suites: string[];
}

/** A Debian release suite (not -security, which lives in another archive, and not a third-party suite). */
const DEBIAN_SUITE = /^(buster|bullseye|bookworm|trixie|forky|duke|sid|stable|oldstable|oldoldstable|testing|unstable)(-updates|-backports)?$/;

/** The first Debian mirror apt uses on this machine, so debootstrap goes where apt already goes. */
export function firstDebianMirror(files: AptSourceFile[]): string | undefined {
  const entries = files.flatMap((file) => (file.name.endsWith('.sources') ? parseDeb822(file.text) : parseOneLine(file.text)));
  for (const entry of entries) {
    if (!entry.types.includes('deb') || !entry.suites.some((suite) => DEBIAN_SUITE.test(suite))) continue;
    const uri = entry.uris.find((candidate) => /^(https?|ftp):\/\//.test(candidate));
    if (uri) return uri.replace(/\/+$/, '');
  }
  return undefined;
}

function parseOneLine(text: string): AptEntry[] {
  return text.split('\n').flatMap((raw) => {
    const line = raw.replace(/#.*/, '').replace(/\[[^\]]*\]/, ' ').trim();
    const [type, uri, suite] = line.split(/\s+/);
    return type && uri && suite ? [{ types: [type], uris: [uri], suites: [suite] }] : [];
  });
}

function parseDeb822(text: string): AptEntry[] {
  const stanzas = text.split(/\n\s*\n/);
  return stanzas.flatMap((stanza) => {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      const field = /^([\w-]+):\s*(.*)$/.exec(line);
      if (field?.[1] !== undefined) fields.set((last = field[1].toLowerCase()), field[2] ?? '');
      else if (last && /^\s/.test(line)) fields.set(last, `${fields.get(last) ?? ''} ${line.trim()}`);
    }
    if (fields.get('enabled')?.trim().toLowerCase() === 'no') return [];
    const list = (name: string): string[] => (fields.get(name) ?? '').split(/\s+/).filter(Boolean);
    return fields.has('uris') ? [{ types: list('types'), uris: list('uris'), suites: list('suites') }] : [];
  });
}

/** Runs one command through the shell, showing it first as the learner would type it. */
async function run(options: EnsureBaseOptions, command: string): Promise<number> {
  options.onOutput?.(`$ ${command}\n`);
  const { exitCode, cancelled } = await options.shell.run(command, { cwd: options.root, onOutput: options.onOutput, signal: options.signal });
  if (cancelled) options.signal?.throwIfAborted();
  return exitCode;
}

async function runOrThrow(options: EnsureBaseOptions, command: string, problem: string): Promise<void> {
  const exitCode = await run(options, command);
  if (exitCode !== 0) {
    throw new EnvironmentError(`${problem} \`${command}\` exited with ${exitCode}.`, 'Read the output above, fix the cause, then run `lab images build --offline` again.');
  }
}
