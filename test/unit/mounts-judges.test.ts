import { describe, expect, it } from '@jest/globals';
import { judgeBindMount } from '../../src/checks/bind-mount.js';
import { judgeLbLogVolume } from '../../src/checks/lb-log-volume.js';
import type { ContainerFacts } from '../../src/runtime/docker.js';

const run = 'docker run -d --name simple_haproxy_4 …';
const bindSpec = { container: 'simple_haproxy_4', target: '/usr/local/etc/haproxy', file: 'haproxy.cfg', run };
const logSpec = { container: 'simple_haproxy_4', volume: 'simple-haproxy-log', run };
const configMount = { type: 'bind', source: '/home/ada/lab/haproxy-live', destination: '/usr/local/etc/haproxy', readOnly: true };
const logMount = { type: 'volume', name: 'simple-haproxy-log', source: '/var/lib/docker/volumes/simple-haproxy-log/_data', destination: '/var/log/haproxy', readOnly: false };

const lb = (over: Partial<ContainerFacts> = {}): ContainerFacts => ({
  id: 'c4',
  name: 'simple_haproxy_4',
  image: 'localhost:5000/simple-haproxy',
  imageId: 'sha256:1',
  running: true,
  state: 'running',
  exitCode: 0,
  labels: {},
  ports: [{ containerPort: 80, hostIp: '127.0.0.1', hostPort: 8484 }],
  networks: { 'simple-network': '172.18.0.20' },
  mounts: [configMount, logMount],
  ...over,
});

// Two lines as HAProxy 2.6 wrote them to haproxy_0.log in this lab (format raw).
const line = (server: string) => `172.18.0.1:40122 [04/Dec/2026:05:31:07.118] http-in webservers/${server} 0/0/0/1/1 200 171 - - ---- 1/1/0/0/0 0/0 "GET /health HTTP/1.1"`;

describe('judgeBindMount', () => {
  it('passes for a read-only bind of the folder whose file the container reads', () => {
    const verdict = judgeBindMount(bindSpec, { container: lb(), inside: 'global\n', here: 'global\n' });
    expect(verdict.status).toBe('pass');
    expect(verdict.summary).toContain('/home/ada/lab/haproxy-live/haproxy.cfg, the very file on this machine, read-only');
  });

  it('fails when the folder can be written through', () => {
    const verdict = judgeBindMount(bindSpec, { container: lb({ mounts: [{ ...configMount, readOnly: false }, logMount] }), inside: 'x', here: 'x' });
    expect(verdict).toMatchObject({ status: 'fail', summary: expect.stringContaining('can write to /home/ada/lab/haproxy-live') });
  });

  it('fails when the configuration was copied in rather than mounted, or comes from a volume', () => {
    expect(judgeBindMount(bindSpec, { container: lb({ mounts: [logMount] }), inside: 'x' })).toMatchObject({ status: 'fail', summary: expect.stringContaining('mounts nothing on /usr/local/etc/haproxy') });
    const fromVolume = lb({ mounts: [{ type: 'volume', name: 'cfg', destination: '/usr/local/etc/haproxy', readOnly: true }] });
    expect(judgeBindMount(bindSpec, { container: fromVolume, inside: 'x' })).toMatchObject({ status: 'fail', summary: expect.stringContaining('the volume cfg') });
  });

  it('fails when there is no such container, or it stopped, on an engine that sees this machine', () => {
    expect(judgeBindMount(bindSpec, { clientFiles: true }).status).toBe('fail');
    expect(judgeBindMount(bindSpec, {}).status).toBe('fail');
    expect(judgeBindMount(bindSpec, { container: lb({ running: false, state: 'exited' }), clientFiles: true })).toMatchObject({ status: 'fail', summary: expect.stringContaining('is exited') });
  });

  it('warns, and does not fail the stage, when the engine is on another machine and cannot see the folder', () => {
    expect(judgeBindMount(bindSpec, { clientFiles: false }).status).toBe('warn');
    expect(judgeBindMount(bindSpec, { container: lb({ running: false, state: 'exited' }), clientFiles: false }).status).toBe('warn');
  });
});

describe('judgeLbLogVolume', () => {
  const served = ['server_4', 'server_5', 'server_6'].map((server) => ({ server }));

  it('passes when the requests just sent end the log on the volume, in the order they were answered', () => {
    const lines = [line('server_9'), line('server_4'), line('server_5'), line('server_6')];
    const verdict = judgeLbLogVolume(logSpec, { container: lb(), served, lines });
    expect(verdict).toMatchObject({ status: 'pass', summary: expect.stringContaining('server_4, server_5, server_6') });
  });

  it('fails when the log file lacks them (a configuration that logs only to stdout)', () => {
    expect(judgeLbLogVolume(logSpec, { container: lb(), served, lines: [] })).toMatchObject({ status: 'fail', summary: expect.stringContaining('empty or missing') });
    expect(judgeLbLogVolume(logSpec, { container: lb(), served, lines: [line('server_4'), line('server_6'), line('server_5')] }).status).toBe('fail');
  });

  it('fails when the log folder is not on the named volume', () => {
    const verdict = judgeLbLogVolume(logSpec, { container: lb({ mounts: [configMount] }), served, lines: [] });
    expect(verdict).toMatchObject({ status: 'fail', summary: expect.stringContaining('mounts nothing on /var/log/haproxy') });
    const other = lb({ mounts: [configMount, { ...logMount, name: 'elsewhere' }] });
    expect(judgeLbLogVolume(logSpec, { container: other }).summary).toContain('the volume elsewhere');
  });

  it('fails when a request through it failed', () => {
    expect(judgeLbLogVolume(logSpec, { container: lb(), served: [{ error: 'status 503' }], lines: [] })).toMatchObject({ status: 'fail', summary: expect.stringContaining('status 503') });
  });

  it('warns only when the container is missing because the engine cannot see this machine', () => {
    expect(judgeLbLogVolume(logSpec, { clientFiles: false }).status).toBe('warn');
    expect(judgeLbLogVolume(logSpec, { clientFiles: true }).status).toBe('fail');
  });
});
