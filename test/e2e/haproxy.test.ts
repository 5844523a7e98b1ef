import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { judgeRoundRobin, parseHaproxyLog } from '../../src/checks/haproxy-log.js';
import { createDockerClient } from '../../src/runtime/docker.js';
import { HAPROXY_CONFIG_PATH, renderHaproxyConfig, type HaproxyBalance } from '../../src/runtime/haproxy-config.js';
import { freePort, until } from '../helpers/net.js';
import { LABEL_MANAGED } from '../../src/runtime/names.js';

/**
 * The lab's load balancer on the real engine: simple-haproxy in front of three simple-servers on a
 * user-defined network, configured by the renderer, judged from its own log. Everything carries this
 * run's label and is removed by it.
 */
const runId = `haproxy-${randomBytes(4).toString('hex')}`;
const testLabels = { [LABEL_MANAGED]: 'true', 'dev.dockerlab.test': runId };
const docker = createDockerClient();
const network = `dltest-${runId}`;
const serverNames = ['server_1', 'server_2', 'server_3'];
const container = (server: string): string => `dltest_${runId}_${server}`;
const lb = `dltest_${runId}_haproxy`;
let port = 0;



const lbLog = (): Promise<string[]> => docker.logs(lb, 2_000);
const count = (lines: string[], text: string): number => lines.filter((line) => line.includes(text)).length;
/** Requests answered through the load balancer so far, all runs of HAProxy together. */
let answered = 0;

/**
 * HAProxy writes a request's log line once the response has gone out, and Docker's log pipe adds a
 * little more: read right after the last answer, the log can lack the last line. Wait for all of them.
 */
const settledLog = (): Promise<string[]> =>
  until('every answered request in the log', async () => {
    const lines = await lbLog();
    return parseHaproxyLog(lines).filter((event) => event.type === 'request').length >= answered ? lines : undefined;
  });

/**
 * One GET through the load balancer, on a connection of its own as curl does: a kept-alive connection
 * that the old worker closes at a reload would fail on the client's side (fetch does not retry it),
 * which says nothing about HAProxy. Returns the server that answered, or why it failed.
 */
async function get(): Promise<{ ok: true; servedBy: string } | { ok: false; why: string }> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/example1.html`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(5_000) });
    await response.text();
    return response.status === 200 ? { ok: true, servedBy: response.headers.get('x-served-by') ?? '?' } : { ok: false, why: `status ${response.status}` };
  } catch (error) {
    return { ok: false, why: `${String(error)} (${String((error as { cause?: unknown }).cause)})` };
  }
}

async function send(requests: number, gapMs = 0): Promise<{ servedBy: string[]; failures: string[] }> {
  const servedBy: string[] = [];
  const failures: string[] = [];
  for (let i = 0; i < requests; i += 1) {
    const result = await get();
    if (result.ok) {
      servedBy.push(result.servedBy);
      answered += 1;
    }
    else failures.push(result.why);
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  return { servedBy, failures };
}

/** A one-file tar archive, for the Docker API's putArchive (what `docker cp` sends). */
function tarOf(name: string, content: string): Buffer {
  const data = Buffer.from(content, 'utf8');
  const header = Buffer.alloc(512);
  const octal = (value: number, width: number): string => `${value.toString(8).padStart(width - 1, '0')}\0`;
  header.write(name, 0, 100);
  header.write(octal(0o644, 8), 100);
  header.write(octal(0, 8), 108);
  header.write(octal(0, 8), 116);
  header.write(octal(data.length, 12), 124);
  header.write(octal(Math.floor(Date.now() / 1000), 12), 136);
  header.write(' '.repeat(8), 148);
  header.write('0', 156);
  header.write('ustar\0' + '00', 257);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding, Buffer.alloc(1024)]);
}

async function putConfig(balance: HaproxyBalance): Promise<void> {
  const config = renderHaproxyConfig({ servers: serverNames.map((name) => ({ name, address: `${container(name)}:8080` })), balance });
  const directory = HAPROXY_CONFIG_PATH.slice(0, HAPROXY_CONFIG_PATH.lastIndexOf('/'));
  await docker.api.getContainer(lb).putArchive(tarOf('haproxy.cfg', config), { path: directory });
}

/** Sends USR2 to HAProxy's master and waits until the new worker has loaded the configuration. */
async function reload(): Promise<void> {
  const before = count(await lbLog(), 'Loading success.');
  await docker.api.getContainer(lb).kill({ signal: 'SIGUSR2' });
  await until('the reload', async () => (count(await lbLog(), 'Loading success.') > before ? true : undefined));
}

describe('simple-haproxy in front of three servers (real engine)', () => {
  beforeAll(async () => {
    await docker.api.createNetwork({ Name: network, Labels: testLabels });
    for (const name of serverNames) {
      const server = await docker.api.createContainer({
        name: container(name),
        Image: 'localhost:5000/simple-server',
        Env: [`SERVER_NAME=${name}`],
        Labels: testLabels,
        HostConfig: { NetworkMode: network },
      });
      await server.start();
    }
    port = await freePort();
    await docker.api.createContainer({
      name: lb,
      Image: 'localhost:5000/simple-haproxy',
      Labels: testLabels,
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { NetworkMode: network, PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } },
    });
    // The configuration goes in before the first start, as `docker cp` into a created container would.
    await putConfig('roundrobin');
    for (const name of serverNames) {
      await until(`${name} to listen`, async () => ((await docker.logs(container(name))).some((line) => line.includes('serving on 8080')) ? true : undefined));
    }
    await docker.api.getContainer(lb).start();
    await until('HAProxy to load its configuration', async () => (count(await lbLog(), 'Loading success.') > 0 ? true : undefined));
  }, 90_000);

  afterAll(async () => {
    await docker.removeByLabel([`dev.dockerlab.test=${runId}`]);
  }, 60_000);

  it('sends 9 requests round-robin, and its own log proves it', async () => {
    const { servedBy, failures } = await send(9);
    expect(failures).toEqual([]);
    expect(servedBy).toEqual([...serverNames, ...serverNames, ...serverNames]);
    const lines = await settledLog();
    expect(lines.some((line) => line.includes('http-in webservers/server_1'))).toBe(true);
    const result = judgeRoundRobin(parseHaproxyLog(lines), { servers: serverNames, lastRequests: 9 });
    expect(result).toMatchObject({ status: 'pass', order: servedBy });
  }, 30_000);

  it('reloads on USR2 without failing a request, and starts the turn over', async () => {
    const during = send(40, 20);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await reload();
    expect((await during).failures).toEqual([]);
    const lines = await lbLog();
    expect(count(lines, 'New worker')).toBe(2);
    // The worker after the reload received its listening sockets from the old one: no gap in between.
    const after = await send(6);
    expect(after.failures).toEqual([]);
    expect(judgeRoundRobin(parseHaproxyLog(await settledLog()), { servers: serverNames, lastRequests: 6 }).status).toBe('pass');
  }, 60_000);

  it('loses no request when a server is removed, marks it DOWN and skips it', async () => {
    const load = send(30, 100);
    await new Promise((resolve) => setTimeout(resolve, 800));
    await docker.api.getContainer(container('server_2')).remove({ force: true });
    const { servedBy, failures } = await load;
    expect(failures).toEqual([]);
    expect(servedBy.slice(-6).sort()).toEqual(['server_1', 'server_1', 'server_1', 'server_3', 'server_3', 'server_3']);
    const lines = await until('server_2 marked DOWN', async () => {
      const log = await settledLog();
      return log.some((line) => line.includes('Server webservers/server_2 is DOWN')) ? log : undefined;
    });
    expect(judgeRoundRobin(parseHaproxyLog(lines), { servers: serverNames, lastRequests: 30 })).toMatchObject({ status: 'pass' });
  }, 60_000);

  it('fails the judge once the configuration says `balance first`', async () => {
    await putConfig('first');
    await reload();
    const { servedBy, failures } = await send(9);
    expect(failures).toEqual([]);
    expect(new Set(servedBy)).toEqual(new Set(['server_1']));
    const result = judgeRoundRobin(parseHaproxyLog(await settledLog()), { servers: serverNames, lastRequests: 9, container: lb });
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('All 9 requests went to server_1: the backend is not balancing round-robin.');
  }, 60_000);

  it('stops within 2 seconds', async () => {
    const stopping = Date.now();
    await docker.api.getContainer(lb).stop({ t: 10 });
    expect(Date.now() - stopping).toBeLessThan(2_000);
  }, 30_000);
});

/**
 * HAProxy starts and serves whatever open-files limit the engine gives containers: it no longer sizes
 * itself from it (maxconn is set). Docker 29 gives 1024 soft (it must raise its own), Docker 23-28
 * under systemd about a billion (the VM lane runs that one: this engine's hard limit is lower).
 */
describe.each([
  ['1024 soft, as Docker 29 gives', { Soft: 1024, Hard: 20_000 }],
  ['the engine\'s own hard limit', { Soft: 20_000, Hard: 20_000 }],
])('simple-haproxy with open files %s', (_name, nofile) => {
  const name = `dltest_${runId}_nofile_${nofile.Soft}`;

  afterAll(async () => {
    await docker.removeContainer(name);
  });

  it('starts with the lab\'s configuration and answers', async () => {
    const hostPort = await freePort();
    await docker.api.createContainer({
      name,
      Image: 'localhost:5000/simple-haproxy',
      Labels: testLabels,
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { Ulimits: [{ Name: 'nofile', ...nofile }], PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }] } },
    });
    await docker.api.getContainer(name).putArchive(tarOf('haproxy.cfg', renderHaproxyConfig({ servers: [] })), { path: HAPROXY_CONFIG_PATH.slice(0, HAPROXY_CONFIG_PATH.lastIndexOf('/')) });
    await docker.api.getContainer(name).start();
    const lines = await until('HAProxy to load its configuration', async () => {
      const log = await docker.logs(name, 200);
      return log.some((line) => line.includes('Loading success.') || line.includes('ALERT')) ? log : undefined;
    });
    expect(lines.filter((line) => line.includes('ALERT'))).toEqual([]);
    // No server is configured: HAProxy itself answers 503, which proves it listens and serves.
    const answer = await until('an answer', async () => (await fetch(`http://127.0.0.1:${hostPort}/`, { signal: AbortSignal.timeout(2_000) })).status);
    expect(answer).toBe(503);
  }, 60_000);
});

