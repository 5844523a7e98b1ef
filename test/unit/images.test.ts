import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../../src/errors.js';
import { ensureBaseImage, FALLBACK_MIRROR, firstDebianMirror, importCommand } from '../../src/runtime/base-image.js';
import type { DockerClient } from '../../src/runtime/docker.js';
import { buildCommand, buildImages, LAB_IMAGES, parseBuildProgress, type BuildEvent, type LabImage } from '../../src/runtime/images.js';
import type { RunOptions, Shell } from '../../src/runtime/shell.js';

const image = (name: string): LabImage => {
  const found = LAB_IMAGES.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no image ${name}`);
  return found;
};

describe('buildCommand', () => {
  it('is the line the learner types, with the classic builder selected', () => {
    expect(buildCommand(image('simple-server'))).toBe(
      'DOCKER_BUILDKIT=0 docker build -t localhost:5000/simple-server -f dockerfiles/simple-server/Dockerfile example-service',
    );
    expect(buildCommand(image('registry'))).toBe('DOCKER_BUILDKIT=0 docker build -t dockerlab/registry -f dockerfiles/registry/Dockerfile dockerfiles/registry');
  });

  it('passes a base image only when it is not the default', () => {
    expect(buildCommand(image('simple-server'), 'debian:bookworm-slim')).not.toContain('--build-arg');
    expect(buildCommand(image('simple-server'), 'dockerlab/base:bookworm')).toBe(
      'DOCKER_BUILDKIT=0 docker build -t localhost:5000/simple-server -f dockerfiles/simple-server/Dockerfile --build-arg BASE_IMAGE=dockerlab/base:bookworm example-service',
    );
  });

  it('quotes words bash would split', () => {
    const odd = { name: 'x', reference: 'x', dockerfile: 'my files/Dockerfile', context: "it's here", from: [] };
    expect(buildCommand(odd)).toBe(`DOCKER_BUILDKIT=0 docker build -t x -f 'my files/Dockerfile' 'it'\\''s here'`);
  });
});

describe('parseBuildProgress', () => {
  it('reads classic-builder step lines', () => {
    expect(parseBuildProgress('Step 3/7 : RUN apt-get update')).toEqual({ step: 3, total: 7 });
    expect(parseBuildProgress('Step 12/12 : CMD ["python3", "-u", "server.py"]')).toEqual({ step: 12, total: 12 });
  });

  it('ignores everything else', () => {
    for (const line of [' ---> Using cache', 'Sending build context to Docker daemon  10.29kB', 'Setting up python3 (3.11.2-1+b1) ...', '#5 [2/4] RUN apt-get update', '']) {
      expect(parseBuildProgress(line)).toBeUndefined();
    }
  });
});

describe('firstDebianMirror', () => {
  it('reads deb822 .sources, skipping comments and the security archive', () => {
    const text = [
      'Types: deb',
      '# http://snapshot.debian.org/archive/debian/20250520T000000Z',
      'URIs: http://ftp.fr.debian.org/debian/',
      'Suites: bookworm bookworm-updates',
      'Components: main',
      '',
      'Types: deb',
      'URIs: http://deb.debian.org/debian-security',
      'Suites: bookworm-security',
      'Components: main',
    ].join('\n');
    expect(firstDebianMirror([{ name: 'debian.sources', text }])).toBe('http://ftp.fr.debian.org/debian');
  });

  it('prefers sources.list, skips deb-src, options, disabled stanzas and third-party suites', () => {
    const files = [
      { name: 'sources.list', text: '# deb http://old.example/debian bookworm main\ndeb-src http://src.example/debian bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] https://packages.cloud.google.com/apt cloud-sdk-bookworm main\n' },
      { name: 'a.sources', text: 'Enabled: no\nTypes: deb\nURIs: http://disabled.example/debian\nSuites: bookworm\n' },
      { name: 'b.sources', text: 'Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\n' },
      { name: 'c.list', text: 'deb [signed-by=/usr/share/keyrings/debian.gpg] http://mirror.example/debian bookworm main contrib\n' },
    ];
    expect(firstDebianMirror(files)).toBe('http://mirror.example/debian');
  });

  it('finds nothing in an Ubuntu or empty machine (the caller falls back)', () => {
    expect(firstDebianMirror([{ name: 'sources.list', text: 'deb http://archive.ubuntu.com/ubuntu jammy main\n' }])).toBeUndefined();
    expect(firstDebianMirror([])).toBeUndefined();
    expect(FALLBACK_MIRROR).toBe('http://deb.debian.org/debian');
  });
});

describe('importCommand', () => {
  it('imports the rootfs as debian:bookworm-slim with the base label', () => {
    const command = importCommand('/cache/rootfs');
    expect(command).toContain('tar -C /cache/rootfs ');
    expect(command).toMatch(/\| docker import --change 'LABEL dev\.dockerlab\.base=true' - debian:bookworm-slim$/);
  });
});

/** A shell that records commands and plays back canned output and exit codes. */
function fakeShell(answer: (command: string) => { output?: string; exitCode?: number } = () => ({})): Shell & { ran: string[]; cwds: string[] } {
  const ran: string[] = [];
  const cwds: string[] = [];
  return {
    ran,
    cwds,
    async run(command: string, { cwd, onOutput }: RunOptions) {
      ran.push(command);
      cwds.push(cwd);
      const { output = '', exitCode = 0 } = answer(command);
      for (const chunk of output.match(/[\s\S]{1,7}/g) ?? []) onOutput?.(chunk); // chunks split mid-line, as pipes do
      return { command, exitCode, durationMs: 5, cancelled: false };
    },
  };
}

const fakeDocker = (present: string[]): DockerClient =>
  ({ inspectImage: async (reference: string) => (present.includes(reference) ? { id: 'sha256:x', tags: [reference], repoDigests: [], labels: {}, created: '' } : undefined) }) as unknown as DockerClient;

const CACHED_BUILD = [
  'Sending build context to Docker daemon  10.29kB',
  'Step 1/4 : ARG BASE_IMAGE=debian:bookworm-slim',
  'Step 2/4 : FROM ${BASE_IMAGE}',
  ' ---> 3b23208ee5f3',
  'Step 3/4 : RUN apt-get update',
  ' ---> Using cache',
  ' ---> 02afa87446bb',
  'Step 4/4 : COPY server.py .',
  ' ---> Using cache',
  ' ---> 783684274c5e',
  'Successfully built 783684274c5e',
  '',
].join('\n');

describe('buildImages', () => {
  it('builds each image from the project root and follows its steps', async () => {
    const shell = fakeShell((command) => ({ output: command.startsWith('node ') ? 'built example-service/build/simple-server.pyz (7150 bytes)\n' : CACHED_BUILD }));
    const events: BuildEvent[] = [];
    const summary = await buildImages({ shell, docker: fakeDocker(['debian:bookworm-slim']), root: '/lab', offline: true, onEvent: (event) => events.push(event) });
    // The example service's build step (its artifact is what the Dockerfile copies) runs just before its image.
    expect(shell.ran).toEqual(LAB_IMAGES.flatMap((image) => (image.prepare ? [image.prepare, buildCommand(image)] : [buildCommand(image)])));
    expect(shell.ran[shell.ran.indexOf(buildCommand(image('simple-server'))) - 1]).toBe('node example-service/build.mjs');
    expect(new Set(shell.cwds)).toEqual(new Set(['/lab']));
    expect(summary.base.source).toBe('present');
    expect(summary.images.map((image) => image.cached)).toEqual(LAB_IMAGES.map(() => true));
    const steps = events.flatMap((event) => (event.type === 'image-progress' && event.image === 'simple-server' ? [`${event.step}/${event.total}`] : []));
    expect(steps[0]).toBe('0/0');
    expect(steps.at(-1)).toBe('4/4');
  });

  it('reports a build that ran steps as not cached', async () => {
    const shell = fakeShell(() => ({ output: CACHED_BUILD.replace(' ---> Using cache\n ---> 783684274c5e', ' ---> 783684274c5e') }));
    const summary = await buildImages({ shell, docker: fakeDocker(['debian:bookworm-slim']), root: '/lab', offline: true, images: ['registry'] });
    expect(summary.images).toEqual([{ name: 'registry', reference: 'dockerlab/registry', durationMs: 5, cached: false }]);
  });

  it('names the image and shows the last lines when a build fails', async () => {
    const shell = fakeShell(() => ({ output: 'Step 3/9 : RUN apt-get update\nE: Unable to locate package pyhton3\n', exitCode: 100 }));
    const build = buildImages({ shell, docker: fakeDocker(['debian:bookworm-slim']), root: '/lab', offline: true });
    await expect(build).rejects.toThrow(EnvironmentError);
    await expect(build).rejects.toThrow(/Building python failed[\s\S]*Unable to locate package pyhton3/);
  });

  it('stops before docker build when the service build step fails, and names it', async () => {
    const shell = fakeShell((command) => (command.startsWith('node ') ? { output: 'SyntaxError: Unexpected token\n', exitCode: 1 } : {}));
    const build = buildImages({ shell, docker: fakeDocker(['debian:bookworm-slim', 'dockerlab/python']), root: '/lab', offline: true, images: ['simple-server'] });
    await expect(build).rejects.toThrow(/Building simple-server failed \(`node example-service\/build.mjs` exited with 1\)[\s\S]*SyntaxError/);
    expect(shell.ran.some((command) => command.includes('docker build -t localhost:5000/simple-server'))).toBe(false);
  });

  it('on first use builds only what the engine lacks, with what is built from it, and leaves the base alone when nothing needs it', async () => {
    const shell = fakeShell(() => ({ output: CACHED_BUILD }));
    const present = ['debian:bookworm-slim', 'dockerlab/registry', 'localhost:5000/simple-server', 'localhost:5000/simple-consul'];
    const summary = await buildImages({ shell, docker: fakeDocker(present), root: '/lab', offline: true, onlyMissing: true, images: ['localhost:5000/simple-haproxy-consul', 'dockerlab/registry'] });
    expect(summary.images.map((built) => built.name)).toEqual(['simple-haproxy', 'simple-haproxy-consul']);
    const none = await buildImages({ shell: fakeShell(), docker: fakeDocker(['dockerlab/python', 'localhost:5000/simple-server']), root: '/lab', offline: true, onlyMissing: true, images: ['localhost:5000/simple-server'] });
    expect(none).toMatchObject({ images: [], base: { source: 'unneeded' } });
  });

  it('refuses an unknown image name', async () => {
    await expect(buildImages({ shell: fakeShell(), docker: fakeDocker([]), root: '/lab', offline: true, images: ['nginx'] })).rejects.toThrow(/Unknown image "nginx"/);
  });
});

describe('ensureBaseImage', () => {
  const made: string[] = [];
  afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const cachedRootfs = (): string => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'dockerlab-base-'));
    made.push(cacheDir);
    mkdirSync(join(cacheDir, 'rootfs-bookworm', 'etc'), { recursive: true });
    writeFileSync(join(cacheDir, 'rootfs-bookworm', 'etc', 'debian_version'), '12.0\n');
    return cacheDir;
  };

  it('does nothing when the base exists', async () => {
    const shell = fakeShell();
    expect((await ensureBaseImage({ shell, docker: fakeDocker(['debian:bookworm-slim']), root: '/lab', offline: false })).source).toBe('present');
    expect(shell.ran).toEqual([]);
  });

  it('pulls when online', async () => {
    const shell = fakeShell();
    expect((await ensureBaseImage({ shell, docker: fakeDocker([]), root: '/lab', offline: false })).source).toBe('pulled');
    expect(shell.ran).toEqual(['docker pull debian:bookworm-slim']);
  });

  it('imports a cached rootfs when the pull fails, showing each command', async () => {
    const cacheDir = cachedRootfs();
    const shell = fakeShell((command) => ({ exitCode: command.startsWith('docker pull') ? 1 : 0 }));
    let shown = '';
    const result = await ensureBaseImage({ shell, docker: fakeDocker([]), root: '/lab', offline: false, cacheDir, onOutput: (text) => (shown += text) });
    expect(result.source).toBe('imported');
    const rootfs = join(cacheDir, 'rootfs-bookworm');
    expect(shell.ran).toEqual(['docker pull debian:bookworm-slim', importCommand(rootfs), 'docker tag debian:bookworm-slim dockerlab/base:bookworm']);
    expect(shown).toContain(`$ ${importCommand(rootfs)}\n`);
  });

  it('never pulls when offline', async () => {
    const shell = fakeShell();
    await ensureBaseImage({ shell, docker: fakeDocker([]), root: '/lab', offline: true, cacheDir: cachedRootfs() });
    expect(shell.ran.some((command) => command.includes('docker pull'))).toBe(false);
  });
});
