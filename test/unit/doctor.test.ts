import { describe, expect, it } from '@jest/globals';
import { apiAtLeast, judgeDoctor, type DoctorFacts, type Finding } from '../../src/doctor/judge.js';
import { engineInfoFrom, type EngineInfo } from '../../src/runtime/engine-capabilities.js';

const GiB = 1024 ** 3;
const ID = `sha256:${'a'.repeat(64)}`;

/** The engine of the lab's VM lane, as Debian 13's docker.io 26 describes itself. */
const trixie: EngineInfo = engineInfoFrom({
  version: { Version: '26.1.5+dfsg1', ApiVersion: '1.45', Components: [{ Name: 'Engine' }, { Name: 'containerd' }] },
  info: {
    ID: 'ABCD',
    OperatingSystem: 'Debian GNU/Linux 13 (trixie)',
    KernelVersion: '6.12.117+deb13-amd64',
    CgroupVersion: '2',
    CgroupDriver: 'systemd',
    Driver: 'overlay2',
    DockerRootDir: '/var/lib/docker',
    SecurityOptions: ['name=apparmor', 'name=seccomp,profile=builtin', 'name=cgroupns'],
  },
});

function facts(over: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    endpoint: { host: 'unix:///var/run/docker.sock', source: 'default' },
    dockerCli: 'Docker version 28.2.2',
    builder: { kind: 'buildkit', detail: 'docker build is docker buildx build' },
    engine: trixie,
    site: { local: true, address: '127.0.0.1', why: 'a socket on this computer (/var/run/docker.sock)' },
    containers: { privileged: { allowed: true }, nofile: { soft: '1073741816', hard: '1073741816' } },
    lessons: { dir: '/lab/lessons', stages: 2 },
    stages: [
      { id: 'single-host', number: 1, images: [{ reference: 'dockerlab/registry', id: ID }] },
      { id: 'multi-host', number: 5, images: [{ reference: 'dockerlab/host', id: ID }] },
    ],
    ports: [{ port: 5000, stages: ['single-host'], state: 'free' }],
    disk: { path: '/var/lib/docker', freeBytes: 50 * GiB },
    debootstrap: true,
    progress: { path: '/state/progress.json' },
    ...over,
  };
}

const find = (findings: Finding[], what: string): Finding | undefined => findings.find((finding) => finding.what === what);

describe('the engine as the lab reads it', () => {
  it('reads cgroup v2, the product and rootless mode from the engine\'s own answers', () => {
    expect(trixie).toMatchObject({ cgroupVersion: 2, cgroupDriver: 'systemd', product: 'docker', rootless: false, userns: false, version: '26.1.5+dfsg1' });
    expect(engineInfoFrom({ version: {}, info: { OperatingSystem: 'Docker Desktop', SecurityOptions: ['name=rootless'] } })).toMatchObject({ product: 'docker-desktop', rootless: true, cgroupVersion: 1 });
    expect(engineInfoFrom({ version: { Components: [{ Name: 'Podman Engine' }] }, info: {} }).product).toBe('podman');
  });
});

describe('lab doctor judgement', () => {
  it('finds everything ok on a ready machine, and names the engine\'s facts', () => {
    const findings = judgeDoctor(facts());
    expect(findings.filter((finding) => finding.status !== 'ok')).toEqual([]);
    expect(find(findings, 'engine host')?.detail).toBe('Debian GNU/Linux 13 (trixie), kernel 6.12.117+deb13-amd64; cgroup v2 (systemd driver), overlay2 storage, rootful');
    expect(find(findings, 'containers')?.detail).toContain('open files 1073741816 soft / 1073741816 hard (HAProxy sized by it would fail to start');
    expect(find(findings, 'builder')?.detail).toMatch(/^BuildKit/);
    expect(find(findings, 'stage 1 single-host')?.detail).toBe('ready');
  });

  it('fails an unreachable engine, naming the host and `lab doctor`, and skips what needs it', () => {
    const engine = { error: 'Nothing answers at tcp://127.0.0.1:9 (connection refused).', fix: 'Start Docker (or set DOCKER_HOST to a running engine), then run `lab doctor`.' };
    const findings = judgeDoctor(facts({ engine, endpoint: { host: 'tcp://127.0.0.1:9', source: 'DOCKER_HOST' } }));
    expect(find(findings, 'Docker engine')).toMatchObject({ status: 'fail', detail: engine.error, fix: expect.stringContaining('tcp://127.0.0.1:9, from DOCKER_HOST') });
    expect(find(findings, 'Docker engine')?.fix).toContain('lab doctor');
    expect(findings.some((finding) => finding.what.startsWith('stage ') || finding.what === 'disk')).toBe(false);
  });

  it('names a stage\'s missing images with the ways to get them', () => {
    const stages = [{ id: 'single-host', number: 1, images: [{ reference: 'dockerlab/registry' }, { reference: 'dockerlab/python', id: ID }] }];
    const finding = find(judgeDoctor(facts({ stages })), 'stage 1 single-host');
    expect(finding).toMatchObject({ status: 'warn', detail: 'missing dockerlab/registry' });
    expect(finding?.fix).toContain('when the stage opens');
    expect(finding?.fix).toContain('lab images load FILE');
  });

  it('fails a port another program holds, naming the stages it stops', () => {
    const findings = judgeDoctor(facts({ ports: [{ port: 8080, stages: ['single-host'], state: 'taken' }, { port: 5000, stages: ['single-host'], state: 'lab', container: 'simple-registry' }] }));
    expect(find(findings, 'port 8080')).toMatchObject({ status: 'fail', detail: expect.stringContaining('single-host cannot start') });
    expect(find(findings, 'stage 1 single-host')).toMatchObject({ status: 'fail', detail: 'port 8080 taken' });
    expect(find(findings, 'port')).toMatchObject({ status: 'ok', detail: '5000 free on 127.0.0.1 or published by the lab (5000 by simple-registry)' });
  });

  it('says lab machines run with the capability set where --privileged is refused', () => {
    const containers = { privileged: { allowed: false as const, error: 'unable to apply caps: operation not permitted' }, nofile: { soft: '20000', hard: '20000' } };
    expect(find(judgeDoctor(facts({ containers })), 'containers')?.detail).toBe(
      'open files 20000 soft / 20000 hard; --privileged refused (unable to apply caps: operation not permitted): lab machines run with every capability but SYS_RESOURCE instead',
    );
  });

  it('says which stages cannot run on Podman or a rootless engine, and why', () => {
    const podman = judgeDoctor(facts({ engine: { ...trixie, product: 'podman' } }));
    expect(find(podman, 'stage 5 multi-host')).toMatchObject({ status: 'fail', detail: expect.stringContaining('Podman') });
    expect(find(podman, 'stage 1 single-host')?.status).toBe('ok');
    expect(find(judgeDoctor(facts({ engine: { ...trixie, rootless: true } })), 'stage 5 multi-host')?.detail).toContain('rootless');
  });

  it('says where published ports are on a remote engine, and that checks ask from there', () => {
    const site = { local: false, address: '192.0.2.7', why: 'tcp://192.0.2.7:2376 is another machine' };
    expect(find(judgeDoctor(facts({ site })), 'where')?.detail).toBe(
      'remote: tcp://192.0.2.7:2376 is another machine; published ports are on 127.0.0.1 of 192.0.2.7, and the lab asks them from there (a probe container on that host\'s network)',
    );
  });

  it.each([
    [0.5, 'fail'],
    [3, 'warn'],
    [6, 'ok'],
  ])('judges %s GiB free under the Docker root as %s', (gib, status) => {
    expect(find(judgeDoctor(facts({ disk: { path: '/var/lib/docker', freeBytes: gib * GiB } })), 'disk')?.status).toBe(status);
  });

  it('warns when the free space cannot be measured', () => {
    expect(find(judgeDoctor(facts({ disk: { path: '/var/lib/docker', unknown: 'ENOENT' } })), 'disk')?.status).toBe('warn');
  });

  it('warns of an engine older than API 1.41', () => {
    expect(find(judgeDoctor(facts({ engine: { ...trixie, apiVersion: '1.40' } })), 'Docker engine')?.status).toBe('warn');
  });

  it('warns of a missing debootstrap only while an image is missing', () => {
    expect(find(judgeDoctor(facts({ debootstrap: false })), 'debootstrap')?.status).toBe('ok');
    const stages = [{ id: 'single-host', number: 1, images: [{ reference: 'dockerlab/registry' }] }];
    expect(find(judgeDoctor(facts({ debootstrap: false, stages })), 'debootstrap')?.status).toBe('warn');
  });

  it('compares API versions by number, not as text', () => {
    expect([apiAtLeast('1.41', '1.41'), apiAtLeast('1.9', '1.41'), apiAtLeast('1.100', '1.41'), apiAtLeast('2.0', '1.41')]).toEqual([true, false, true, true]);
  });
});
