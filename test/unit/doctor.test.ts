import { describe, expect, it } from '@jest/globals';
import { apiAtLeast, judgeDoctor, type DoctorFacts, type Finding } from '../../src/doctor/judge.js';

const GiB = 1024 ** 3;

function facts(over: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    endpoint: { host: 'unix:///var/run/docker.sock', source: 'default' },
    dockerCli: 'Docker version 28.2.2',
    engine: { version: '20.10.24', apiVersion: '1.41', os: 'linux/amd64', storageDriver: 'overlay2', rootDir: '/var/lib/docker', cgroupVersion: '2', cgroupDriver: 'systemd', securityOptions: ['name=seccomp,profile=default'] },
    lessons: { dir: '/lab/lessons', stages: 3 },
    images: [{ reference: 'debian:bookworm-slim', id: `sha256:${'a'.repeat(64)}` }],
    ports: [{ port: 5000, stages: ['single-host'], state: 'free' }],
    disk: { path: '/var/lib/docker', freeBytes: 50 * GiB },
    cgroupWritable: false,
    debootstrap: true,
    progress: { path: '/state/progress.json' },
    ...over,
  };
}

const find = (findings: Finding[], what: string): Finding | undefined => findings.find((finding) => finding.what === what);

describe('lab doctor judgement', () => {
  it('finds everything ok on a ready machine', () => {
    expect(judgeDoctor(facts()).filter((finding) => finding.status !== 'ok')).toEqual([]);
  });

  it('fails an unreachable engine, naming the host and `lab doctor`, and skips what needs it', () => {
    const findings = judgeDoctor(facts({ engine: { error: "Can't reach Docker at tcp://127.0.0.1:9." }, endpoint: { host: 'tcp://127.0.0.1:9', source: 'DOCKER_HOST' } }));
    expect(find(findings, 'Docker engine')).toMatchObject({ status: 'fail', fix: expect.stringContaining('tcp://127.0.0.1:9') });
    expect(find(findings, 'Docker engine')?.fix).toContain('lab doctor');
    expect(findings.some((finding) => finding.what.startsWith('image ') || finding.what === 'disk')).toBe(false);
  });

  it('fails a missing image with both ways to get it', () => {
    const finding = find(judgeDoctor(facts({ images: [{ reference: 'dockerlab/registry' }] })), 'image dockerlab/registry');
    expect(finding).toMatchObject({ status: 'fail', detail: 'missing' });
    expect(finding?.fix).toContain('lab images build --offline');
    expect(finding?.fix).toContain('lab images load FILE');
  });

  it('fails a port another program holds, naming the stages it stops', () => {
    const findings = judgeDoctor(facts({ ports: [{ port: 8080, stages: ['single-host'], state: 'taken' }, { port: 5000, stages: ['single-host'], state: 'lab', container: 'simple-registry' }] }));
    expect(find(findings, 'port 8080')).toMatchObject({ status: 'fail', detail: expect.stringContaining('single-host cannot start') });
    expect(find(findings, 'port')).toMatchObject({ status: 'ok', detail: '5000 free on 127.0.0.1 or published by the lab (5000 by simple-registry)' });
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
    const engine = { ...(facts().engine as Exclude<DoctorFacts['engine'], { error: string }>), apiVersion: '1.40' };
    expect(find(judgeDoctor(facts({ engine })), 'Docker engine')?.status).toBe('warn');
  });

  it('warns that a rootless engine limits docker-in-docker', () => {
    const engine = { ...(facts().engine as Exclude<DoctorFacts['engine'], { error: string }>), securityOptions: ['name=rootless'] };
    expect(find(judgeDoctor(facts({ engine })), 'docker-in-docker')?.status).toBe('warn');
  });

  it('reports the cgroup version and driver', () => {
    expect(find(judgeDoctor(facts()), 'cgroups')?.detail).toBe('cgroup v2, systemd driver');
  });

  it('warns of a missing debootstrap only while an image is missing', () => {
    expect(find(judgeDoctor(facts({ debootstrap: false })), 'debootstrap')?.status).toBe('ok');
    expect(find(judgeDoctor(facts({ debootstrap: false, images: [{ reference: 'dockerlab/registry' }] })), 'debootstrap')?.status).toBe('warn');
  });

  it('compares API versions by number, not as text', () => {
    expect([apiAtLeast('1.41', '1.41'), apiAtLeast('1.9', '1.41'), apiAtLeast('1.100', '1.41'), apiAtLeast('2.0', '1.41')]).toEqual([true, false, true, true]);
  });
});
