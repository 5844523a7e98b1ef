import { PassThrough } from 'node:stream';
import { describe, expect, it, jest } from '@jest/globals';
import type { ContainerFacts, DockerClient } from '../../src/runtime/docker.js';
import { buildTopology, watchTopology, type Topology } from '../../src/runtime/topology.js';

function container(name: string, role: string | undefined, running = true, extra: Partial<ContainerFacts> = {}): ContainerFacts {
  return {
    id: `id-${name}`,
    name,
    image: 'localhost:5000/simple-server',
    imageId: 'sha256:8af9',
    running,
    state: running ? 'running' : 'exited',
    exitCode: running ? 0 : 137,
    labels: { 'dev.dockerlab.managed': 'true', ...(role ? { 'dev.dockerlab.role': role } : {}) },
    ports: [],
    networks: { 'simple-network': '172.18.0.2' },
    ...extra,
  };
}

const lb = (name: string, port: number, running = true): ContainerFacts =>
  container(name, 'lb', running, { image: 'localhost:5000/simple-haproxy', ports: running ? [{ containerPort: 80, hostIp: '127.0.0.1', hostPort: port }] : [] });

const request = (at: string, server: string, status = 200): string =>
  `192.168.32.1:51830 [25/Nov/2026:13:12:${at}] http-in webservers/${server} 0/0/0/1/1 ${status} 302 - - ---- 1/1/0/0/0 0/0 "GET /example1.html HTTP/1.1"`;

/** A real tail: start-up notices, a server marked down and up again, requests in between. */
const lbLog = [
  '[NOTICE]   (1) : New worker (8) forked',
  '[NOTICE]   (1) : Loading success.',
  request('41.909', 'server_1'),
  request('41.919', 'server_2'),
  '[WARNING]  (8) : Server webservers/server_3 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 2 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
  request('41.928', 'server_1'),
  request('41.937', 'server_2'),
  '',
  request('41.946', 'server_1'),
  '[WARNING]  (8) : Server webservers/server_3 is UP, reason: Layer4 check passed, check duration: 0ms. 3 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
  request('41.954', 'server_2'),
  request('41.963', 'server_3'),
  request('41.972', 'server_1'),
];

describe('buildTopology', () => {
  it('sorts servers by their number: server_2 before server_10', () => {
    const facts = ['server_10', 'server_2', 'server_1', 'server_9'].map((name) => container(name, 'server'));
    expect(buildTopology(facts, {}, 0).servers.map((s) => s.name)).toEqual(['server_1', 'server_2', 'server_9', 'server_10']);
  });

  it('keeps only role=server containers named like PREFIX_N as servers', () => {
    const facts = [container('server_1', 'server'), container('simple-server-test', 'server'), container('registry', 'registry'), container('server_2', undefined)];
    expect(buildTopology(facts, {}, 0).servers.map((s) => s.name)).toEqual(['server_1']);
  });

  it('reports each server with its state, stopped ones included', () => {
    const facts = [container('server_1', 'server'), container('server_2', 'server', false)];
    expect(buildTopology(facts, {}, 0).servers).toEqual([
      { name: 'server_1', state: 'running', running: true },
      { name: 'server_2', state: 'exited', running: false },
    ]);
  });

  it("gives each LB its published port and the servers of its last six requests, oldest first", () => {
    const topology = buildTopology([lb('simple_haproxy_1', 8181)], { simple_haproxy_1: lbLog }, 0);
    expect(topology.lbs).toEqual([
      { name: 'simple_haproxy_1', state: 'running', running: true, port: 8181, lastBackends: ['server_1', 'server_2', 'server_1', 'server_2', 'server_3', 'server_1'] },
    ]);
  });

  it('gives a stopped LB no port and an LB without a log no backends', () => {
    const topology = buildTopology([lb('simple_haproxy_2', 8282, false), lb('simple_haproxy_1', 8181)], {}, 0);
    expect(topology.lbs).toEqual([
      { name: 'simple_haproxy_1', state: 'running', running: true, port: 8181, lastBackends: [] },
      { name: 'simple_haproxy_2', state: 'exited', running: false, lastBackends: [] },
    ]);
  });

  it('leaves out requests that no server took', () => {
    const log = [request('41.909', 'server_1'), request('41.919', '<NOSRV>', 503), request('41.928', 'server_2')];
    expect(buildTopology([lb('simple_haproxy_1', 8181)], { simple_haproxy_1: log }, 0).lbs[0]?.lastBackends).toEqual(['server_1', 'server_2']);
  });

  it('says whether the registry runs, and nothing when there is none', () => {
    expect(buildTopology([container('registry', 'registry', false)], {}, 0).registry).toEqual({ running: false });
    expect(buildTopology([], {}, 7)).toEqual({ servers: [], lbs: [], updatedAt: 7 });
  });
});

/** A DockerClient with only what the watcher uses: a container list, LB logs and an event stream. */
function fakeDocker(initial: ContainerFacts[], logs: Record<string, string[]> = {}) {
  const state = { containers: initial, logs, failList: false };
  const events = new PassThrough();
  const listContainers = jest.fn(async () => {
    if (state.failList) throw new Error("Can't reach Docker at /var/run/docker.sock.");
    return state.containers;
  });
  const docker = {
    listContainers,
    logs: async (name: string) => state.logs[name] ?? [],
    api: { getEvents: async () => events },
  } as unknown as DockerClient;
  return { docker, state, events, listContainers };
}

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const event = (action: string, name: string) => `${JSON.stringify({ Type: 'container', Action: action, Actor: { Attributes: { name } } })}\n`;

describe('watchTopology', () => {
  it('reports the topology once at the start', async () => {
    const { docker } = fakeDocker([container('server_1', 'server')]);
    const seen: Topology[] = [];
    const stop = watchTopology(docker, (t) => seen.push(t), { debounceMs: 5 });
    const first = await until(() => seen[0], 'a first topology');
    stop();
    expect(first.servers.map((s) => s.name)).toEqual(['server_1']);
  });

  it('rebuilds once for a burst of container events, even one split across chunks', async () => {
    const { docker, state, events, listContainers } = fakeDocker([container('server_1', 'server')]);
    const seen: Topology[] = [];
    const stop = watchTopology(docker, (t) => seen.push(t), { debounceMs: 20 });
    await until(() => seen[0], 'a first topology');
    await until(() => (listContainers.mock.calls.length >= 2 ? true : undefined), 'the relisting once the stream opens');
    const calls = listContainers.mock.calls.length;
    state.containers = [container('server_1', 'server', false), container('server_2', 'server')];
    const burst = event('die', 'server_1') + event('create', 'server_2') + event('start', 'server_2');
    events.write(burst.slice(0, 30));
    events.write(burst.slice(30));
    const changed = await until(() => seen.find((t) => t.servers.length === 2), 'the rebuilt topology');
    stop();
    expect(changed.servers.map((s) => `${s.name}:${s.state}`)).toEqual(['server_1:exited', 'server_2:running']);
    expect(listContainers.mock.calls.length).toBe(calls + 1);
  });

  it('ignores exec and health-check events', async () => {
    const { docker, events, listContainers } = fakeDocker([]);
    const stop = watchTopology(docker, () => undefined, { debounceMs: 5 });
    await until(() => (listContainers.mock.calls.length >= 2 ? true : undefined), 'the relisting once the stream opens');
    events.write(event('exec_start: wget -qO- localhost:8080/health', 'server_1') + event('health_status: healthy', 'server_1'));
    await new Promise((resolve) => setTimeout(resolve, 40));
    stop();
    expect(listContainers).toHaveBeenCalledTimes(2);
  });

  it("re-reads a running LB's log every poll, and tells only of changes", async () => {
    const logs = { simple_haproxy_1: [request('41.909', 'server_1')] };
    const { docker, state } = fakeDocker([container('server_1', 'server'), container('server_2', 'server'), lb('simple_haproxy_1', 8181)], logs);
    const seen: Topology[] = [];
    const stop = watchTopology(docker, (t) => seen.push(t), { debounceMs: 5, pollMs: 10 });
    await until(() => seen[0], 'a first topology');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toHaveLength(1);
    state.logs = { simple_haproxy_1: [request('41.909', 'server_1'), request('41.919', 'server_2')] };
    const served = await until(() => seen.find((t) => t.lbs[0]?.lastBackends.length === 2), 'the new request');
    stop();
    expect(served.lbs[0]?.lastBackends).toEqual(['server_1', 'server_2']);
  });

  it('marks the topology stale when the engine stops answering, and stops', async () => {
    const { docker, events } = fakeDocker([container('server_1', 'server')]);
    const seen: Topology[] = [];
    watchTopology(docker, (t) => seen.push(t), { debounceMs: 5 });
    await until(() => seen[0], 'a first topology');
    events.destroy(new Error('socket hang up'));
    const stale = await until(() => seen.find((t) => t.stale), 'a stale topology');
    expect(stale.servers.map((s) => s.name)).toEqual(['server_1']);
  });

  it('stops on request: the event stream is destroyed and nothing more is told', async () => {
    const { docker, state, events } = fakeDocker([container('server_1', 'server')]);
    const seen: Topology[] = [];
    const stop = watchTopology(docker, (t) => seen.push(t), { debounceMs: 5 });
    await until(() => seen[0], 'a first topology');
    await new Promise((resolve) => setTimeout(resolve, 20));
    stop();
    expect(events.destroyed).toBe(true);
    state.containers = [];
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(seen).toHaveLength(1);
  });

  it('never throws when the engine cannot be listed: the topology is stale', async () => {
    const { docker, state } = fakeDocker([]);
    state.failList = true;
    const seen: Topology[] = [];
    const stop = watchTopology(docker, (t) => seen.push(t), { debounceMs: 5 });
    const first = await until(() => seen[0], 'a first topology');
    stop();
    expect(first).toMatchObject({ servers: [], lbs: [], stale: true });
  });
});
