import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { labEnvironment, resolveEndpoint } from '../../src/runtime/endpoint.js';
import { detectSite, siteFromEndpoint } from '../../src/runtime/engine-site.js';

const files = (entries: Record<string, string>) => (path: string) => entries[path];

describe('finding the Docker engine', () => {
  it('uses the default socket when nothing is set', () => {
    expect(resolveEndpoint({ env: {}, home: '/h', readFile: files({}) })).toMatchObject({ socketPath: '/var/run/docker.sock', source: 'default' });
  });

  it('honours DOCKER_HOST with TLS as docker-machine env exports it', () => {
    const endpoint = resolveEndpoint({
      env: { DOCKER_HOST: 'tcp://192.0.2.10:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs/m1' },
      home: '/h',
      readFile: files({}),
    });
    expect(endpoint).toMatchObject({ hostname: '192.0.2.10', port: 2376, source: 'DOCKER_HOST', tls: { ca: '/certs/m1/ca.pem', cert: '/certs/m1/cert.pem', key: '/certs/m1/key.pem' } });
  });

  it('uses plain TCP when DOCKER_TLS_VERIFY is not set', () => {
    const endpoint = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' }, home: '/h', readFile: files({}) });
    expect(endpoint.tls).toBeUndefined();
    expect(endpoint.port).toBe(2375);
  });

  it('follows the current docker context', () => {
    const id = createHash('sha256').update('lab').digest('hex');
    const endpoint = resolveEndpoint({
      env: {},
      home: '/h',
      readFile: files({
        '/h/.docker/config.json': JSON.stringify({ currentContext: 'lab' }),
        [`/h/.docker/contexts/meta/${id}/meta.json`]: JSON.stringify({ Name: 'lab', Endpoints: { docker: { Host: 'unix:///run/lab.sock' } } }),
      }),
    });
    expect(endpoint).toMatchObject({ socketPath: '/run/lab.sock', source: 'context', context: 'lab' });
  });

  it('lets DOCKER_HOST win over a context', () => {
    const endpoint = resolveEndpoint({ env: { DOCKER_HOST: 'unix:///tmp/x.sock', DOCKER_CONTEXT: 'lab' }, home: '/h', readFile: files({}) });
    expect(endpoint.socketPath).toBe('/tmp/x.sock');
  });
});

describe('ssh and unknown hosts', () => {
  it('reads an ssh:// host with its user and port', () => {
    expect(resolveEndpoint({ env: { DOCKER_HOST: 'ssh://me@build.example:2222' }, home: '/h', readFile: files({}) })).toMatchObject({
      hostname: 'build.example',
      port: 2222,
      ssh: { username: 'me' },
    });
  });

  it('refuses a scheme the lab does not know, in one line with the fix (exit 3)', () => {
    expect(() => resolveEndpoint({ env: { DOCKER_HOST: 'npipe:////./pipe/docker_engine' }, home: '/h', readFile: files({}) })).toThrow(
      expect.objectContaining({ exitCode: 3, message: expect.stringContaining('is not a Docker host the lab knows') }),
    );
  });
});

describe('where the engine is', () => {
  it('is local on a socket, remote at another address, and undecided on a loopback port until the engines are compared', async () => {
    expect(siteFromEndpoint({ host: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock', source: 'default' })?.local).toBe(true);
    expect(siteFromEndpoint({ host: 'tcp://192.0.2.7:2376', hostname: '192.0.2.7', port: 2376, source: 'DOCKER_HOST' })).toEqual({
      local: false,
      address: '192.0.2.7',
      why: 'tcp://192.0.2.7:2376 is another machine',
    });
    const loopback = { host: 'tcp://127.0.0.1:23750', hostname: '127.0.0.1', port: 23750, source: 'DOCKER_HOST' as const };
    expect(siteFromEndpoint(loopback)).toBeUndefined();
    expect(siteFromEndpoint(loopback, 'remote')?.local).toBe(false);
  });

  it('takes a loopback port for this computer\'s engine only when the engine behind the local socket is the same one', async () => {
    const loopback = { host: 'tcp://127.0.0.1:23750', hostname: '127.0.0.1', port: 23750, source: 'DOCKER_HOST' as const };
    const same = await detectSite(loopback, async () => 'ID1', async () => 'ID1', {}, () => true);
    const other = await detectSite(loopback, async () => 'ID2', async () => 'ID1', {}, () => true);
    expect([same.local, other.local]).toEqual([true, false]);
    expect(other.why).toContain('forwarded port');
  });
});

describe('the lab\'s own engine while a shell points at a machine', () => {
  const remote = { DOCKER_HOST: 'tcp://192.0.2.7:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs/far' };
  const machine = { DOCKER_HOST: 'tcp://192.0.2.7:23750', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/state/machines/web', DOCKER_MACHINE_NAME: 'web' };

  it('is the engine remembered for that machine (a remote one), not the machine\'s', () => {
    expect(labEnvironment(machine, (name) => (name === 'web' ? remote : undefined))).toMatchObject(remote);
  });

  it('is the default engine when nothing was remembered, and LAB_DOCKER_HOST when it is set', () => {
    const own = labEnvironment(machine);
    expect(own.DOCKER_HOST).toBeUndefined();
    expect(labEnvironment({ ...machine, LAB_DOCKER_HOST: 'unix:///run/other.sock' }, () => remote).DOCKER_HOST).toBe('unix:///run/other.sock');
  });
});
