import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { resolveEndpoint } from '../../src/runtime/endpoint.js';

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
