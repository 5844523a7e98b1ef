import { describe, expect, it } from '@jest/globals';
import { FALLBACK_MIRROR, firstDebianMirror, importCommand } from '../../src/runtime/base-image.js';
import { buildCommand, LAB_IMAGES, parseBuildProgress, type LabImage } from '../../src/runtime/images.js';

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
    const odd = { name: 'x', reference: 'x', dockerfile: 'my files/Dockerfile', context: "it's here" };
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
