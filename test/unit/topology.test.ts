import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it, jest } from '@jest/globals';
import type { ContainerFacts, DockerClient } from '../../src/runtime/docker.js';
import type { HttpClient, HttpOutcome } from '../../src/runtime/http.js';
import { buildTopology, observeConsul, watchTopology, type ConsulObservation, type Topology } from '../../src/runtime/topology.js';

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

  it('lists the lab machines by their machine label, stopped ones with their state, and shows them as the hosts row', async () => {
    const machine = (name: string, running = true) => container(`lab-machine-${name}`, 'host', running, { labels: { 'dev.dockerlab.managed': 'true', 'dev.dockerlab.role': 'host', 'dev.dockerlab.machine': name } });
    const topology = buildTopology([machine('worker-2', false), machine('manager'), machine('worker-1'), container('x', 'host')], {}, 0);
    expect(topology.machines).toEqual([
      { name: 'manager', state: 'running', running: true },
      { name: 'worker-1', state: 'running', running: true },
      { name: 'worker-2', state: 'exited', running: false },
    ]);
    expect(buildTopology([container('server_1', 'server')], {}, 0).machines).toBeUndefined();
    const { topologyRows } = await import('../../src/tui/components/TopologyPanel.js');
    const { createTheme } = await import('../../src/tui/theme.js');
    const rows = topologyRows(topology, 80, createTheme(false)).map((row) => row.map((segment) => segment.text).join(''));
    expect(rows).toEqual(['hosts manager ● worker-1 ● worker-2 ✖ exited  2/3 up']);
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

// As the engine sends them: a container's labels are among its event's attributes.
const event = (action: string, name: string) => `${JSON.stringify({ Type: 'container', Action: action, Actor: { Attributes: { name, 'dev.dockerlab.managed': 'true' } } })}\n`;

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

// ---------------------------------------------------------------------------------------------
// Stage 4: Consul

/*
 * Recorded answers of simple_consul_1's API (test/fixtures/consul/, Consul 1.8.7) and HAProxy's
 * runtime API (test/fixtures/haproxy/runtime-*.txt, HAProxy 2.6.12): 3 Consul servers at
 * 172.28.0.2..4, server_1..3, a DNS-mode simple_haproxy_1 and a watch-mode simple_haproxy_2.
 */
interface Answer {
  status: number;
  body: unknown;
}
interface Recording {
  leader: Answer;
  members: Answer;
  passing: Answer;
  health: Answer;
}
const recording = (name: string): Recording => JSON.parse(readFileSync(new URL(`../fixtures/consul/${name}.json`, import.meta.url), 'utf8')) as Recording;
const runtime = (name: string): string => readFileSync(new URL(`../fixtures/haproxy/runtime-${name}.txt`, import.meta.url), 'utf8');

const consulServer = (index: number, running = true): ContainerFacts =>
  container(`simple_consul_${index}`, 'consul', running, { image: 'localhost:5000/simple-consul', networks: running ? { 'simple-network': `172.28.0.${index + 1}` } : {} });

/** Three Consul servers, server_1..3 and both LBs, all running: as in healthy.json. */
const consulLab = (): ContainerFacts[] => [
  consulServer(1), consulServer(2), consulServer(3),
  container('server_1', 'server'), container('server_2', 'server'), container('server_3', 'server'),
  container('server_1_agent', 'consul-agent'),
  lb('simple_haproxy_1', 8181), lb('simple_haproxy_2', 8282),
];

/**
 * Consul's published APIs as `askConsul` asks them: the servers listed in `answering` (by index)
 * answer with the recording, the others refuse. The catalog is asked with default consistency: it
 * answers as `?passing` did (500 without a leader) with the body of `?stale` (every instance).
 */
function fakeHttp(initial: Recording, answering = [1]) {
  const state = { recording: initial, answering };
  const request = jest.fn(async (url: string): Promise<HttpOutcome> => {
    const { port, pathname } = new URL(url);
    if (!state.answering.includes(Number(port) - 8500)) return { ok: false, error: 'ECONNREFUSED' };
    const { leader, members, passing, health } = state.recording;
    const answer = pathname === '/v1/status/leader' ? leader : pathname === '/v1/agent/members' ? members : pathname === '/v1/health/service/simple-service' ? (passing.status === 200 ? health : passing) : { status: 404, body: 'not found' };
    return { ok: true, status: answer.status, body: answer.status === 200 ? JSON.stringify(answer.body) : String(answer.body), headers: {} };
  });
  return { http: { request, sequence: async (urls: string[]) => Promise.all(urls.map((url) => request(url))) } as HttpClient, state, request };
}

/** What observeBackends asks of the engine: the LB's state, and its runtime API through exec. */
function consulDocker(containers: ContainerFacts[], runtimeOutput: Record<string, string | Error>) {
  const state = { containers, runtimeOutput };
  const exec = jest.fn(async (name: string) => {
    const output = state.runtimeOutput[name];
    if (output instanceof Error) throw output;
    return output === undefined ? { exitCode: 1, stdout: '', stderr: 'socat: No such file or directory' } : { exitCode: 0, stdout: output, stderr: '' };
  });
  const listContainers = jest.fn(async () => state.containers);
  const inspectContainer = jest.fn(async (name: string) => state.containers.find((c) => c.name === name));
  const docker = { listContainers, inspectContainer, exec, logs: async () => [] } as unknown as DockerClient;
  return { docker, state, exec, listContainers, inspectContainer };
}

const healthyRuntime = { simple_haproxy_1: runtime('dns-state'), simple_haproxy_2: runtime('watch-state') };

describe('the Consul part of the topology', () => {
  it('is there only while lab Consul servers (role=consul, simple_consul_N) exist', () => {
    expect(buildTopology([container('server_1', 'server')], {}, 0).consul).toBeUndefined();
    expect(buildTopology([container('consul', 'consul'), container('server_1_agent', 'consul-agent')], {}, 0).consul).toBeUndefined();
    expect(buildTopology([consulServer(2), consulServer(10), consulServer(1, false)], {}, 0).consul).toEqual({
      servers: [
        { name: 'simple_consul_1', running: false, leader: false },
        { name: 'simple_consul_2', running: true, leader: false },
        { name: 'simple_consul_10', running: true, leader: false },
      ],
      instances: [],
      lbBackends: {},
    });
  });

  it('marks the leader, the catalog with health and each LB\'s UP backends from recorded answers', async () => {
    const containers = consulLab();
    const { docker, listContainers, inspectContainer, exec } = consulDocker(containers, healthyRuntime);
    const observation = await observeConsul(docker, fakeHttp(recording('healthy')).http, containers);
    expect(observation.stale).toBeUndefined();
    // The observers list and inspect the containers already known; only the runtime API is asked, once an LB.
    expect(listContainers).not.toHaveBeenCalled();
    expect(inspectContainer).not.toHaveBeenCalled();
    expect(exec.mock.calls.map(([name]) => name).sort()).toEqual(['simple_haproxy_1', 'simple_haproxy_2']);
    expect(buildTopology(containers, {}, 0, observation).consul).toEqual({
      servers: [
        { name: 'simple_consul_1', running: true, leader: true },
        { name: 'simple_consul_2', running: true, leader: false },
        { name: 'simple_consul_3', running: true, leader: false },
      ],
      instances: [{ node: 'server_1', passing: true }, { node: 'server_2', passing: true }, { node: 'server_3', passing: true }],
      lbBackends: {
        // DNS mode: slots named server1.., each with the node of its SRV target; empty slots left out.
        simple_haproxy_1: [
          { name: 'server2', state: 'UP', node: 'server_1' },
          { name: 'server3', state: 'UP', node: 'server_2' },
          { name: 'server1', state: 'UP', node: 'server_3' },
        ],
        // Watch mode: the server lines are named after the nodes.
        simple_haproxy_2: [
          { name: 'server_1', state: 'UP' },
          { name: 'server_2', state: 'UP' },
          { name: 'server_3', state: 'UP' },
        ],
      },
    });
  });

  it('shows a removed server as a failing instance, and the LBs without it', async () => {
    const containers = consulLab().filter((c) => c.name !== 'server_3');
    const runtimeOutput = { simple_haproxy_1: runtime('dns-server-removed-state'), simple_haproxy_2: runtime('watch-server-removed-state') };
    const observation = await observeConsul(consulDocker(containers, runtimeOutput).docker, fakeHttp(recording('server-removed')).http, containers);
    const consul = buildTopology(containers, {}, 0, observation).consul!;
    expect(consul.instances).toEqual([{ node: 'server_1', passing: true }, { node: 'server_2', passing: true }, { node: 'server_3', passing: false }]);
    expect(consul.lbBackends['simple_haproxy_1']?.map((b) => b.node)).toEqual(['server_1', 'server_2']);
    expect(consul.lbBackends['simple_haproxy_2']?.map((b) => b.name)).toEqual(['server_1', 'server_2']);
  });

  it('follows a leader change: the member whose address is the leader\'s is marked, and only it', async () => {
    const containers = consulLab();
    const { docker } = consulDocker(containers, healthyRuntime);
    const { http, state } = fakeHttp(recording('healthy'), [1, 2, 3]);
    const before = buildTopology(containers, {}, 0, await observeConsul(docker, http, containers)).consul!;
    expect(before.servers.filter((s) => s.leader).map((s) => s.name)).toEqual(['simple_consul_1']);

    // simple_consul_1 is removed; simple_consul_2 (172.28.0.3) wins the election.
    const after = containers.filter((c) => c.name !== 'simple_consul_1');
    state.recording = { ...recording('consul-server-removed'), leader: { status: 200, body: '172.28.0.3:8300' } };
    state.answering = [2, 3];
    const changed = buildTopology(after, {}, 0, await observeConsul(docker, http, after)).consul!;
    expect(changed.servers).toEqual([
      { name: 'simple_consul_2', running: true, leader: true },
      { name: 'simple_consul_3', running: true, leader: false },
    ]);
  });

  it('marks no leader while there is none, and the catalog it cannot read stale, keeping what it last knew', async () => {
    const containers = consulLab();
    const { docker } = consulDocker(containers, healthyRuntime);
    const { http, state } = fakeHttp(recording('healthy'));
    const healthy = await observeConsul(docker, http, containers);

    // simple_consul_3 removed and simple_consul_2 stopped: 1 of 3 alive, no leader, the catalog answers 500.
    const lost = [...containers.filter((c) => !/^simple_consul_[23]$/.test(c.name)), consulServer(2, false)];
    state.recording = recording('no-quorum');
    const observation = await observeConsul(docker, http, lost, healthy);
    expect(observation.stale).toBe(true);
    const consul = buildTopology(lost, {}, 0, observation).consul!;
    expect(consul).toMatchObject({
      servers: [{ name: 'simple_consul_1', running: true, leader: false }, { name: 'simple_consul_2', running: false, leader: false }],
      instances: [{ node: 'server_1', passing: true }, { node: 'server_2', passing: true }, { node: 'server_3', passing: true }],
      stale: true,
    });
  });

  it('keeps the last known parts when nothing answers, and never throws', async () => {
    const containers = consulLab();
    const { docker, state: dockerState } = consulDocker(containers, healthyRuntime);
    const { http, state } = fakeHttp(recording('healthy'));
    const healthy = await observeConsul(docker, http, containers);
    state.answering = [];
    dockerState.runtimeOutput = { simple_haproxy_1: new Error('connect ENOENT /var/run/docker.sock') };
    const observation = await observeConsul(docker, http, containers, healthy);
    expect(observation).toEqual({ ...healthy, stale: true });
    // An LB whose backends were never known has none to keep.
    expect(await observeConsul(docker, http, containers)).toEqual({ leader: '', members: [], health: [], backends: {}, stale: true });
  });

  it('runs the runtime API through the client itself: a class with private fields works', async () => {
    const output = runtime('watch-state');
    class Client {
      #socket = '/var/run/docker.sock';
      async exec(name: string) {
        return { exitCode: 0, stdout: this.#socket && name === 'simple_haproxy_2' ? output : '', stderr: '' };
      }
    }
    const containers = [consulServer(1), lb('simple_haproxy_2', 8282)];
    const observation = await observeConsul(new Client() as unknown as DockerClient, fakeHttp(recording('healthy')).http, containers);
    expect(observation.backends['simple_haproxy_2']?.map((b) => b.name)).toEqual(['server_1', 'server_2', 'server_3']);
  });

  it('leaves out the backends of LBs that no longer run', () => {
    const observation: ConsulObservation = { leader: '', members: [], health: [], backends: { simple_haproxy_1: [{ name: 'server_1', address: '172.28.0.5:8080', state: 'UP' }] } };
    expect(buildTopology([consulServer(1), lb('simple_haproxy_1', 8181, false)], {}, 0, observation).consul?.lbBackends).toEqual({});
  });
});

describe('watchTopology with Consul', () => {
  function consulWatch(containers: ContainerFacts[], rec: Recording) {
    const docker = consulDocker(containers, healthyRuntime);
    const events = new PassThrough();
    (docker.docker as unknown as { api: unknown }).api = { getEvents: async () => events };
    const http = fakeHttp(rec, [1, 2, 3]);
    return { ...docker, events, http };
  }

  it('refreshes the Consul part on the poll, telling only of changes', async () => {
    const { docker, http } = consulWatch(consulLab(), recording('healthy'));
    const seen: Topology[] = [];
    const stop = watchTopology(docker, (t) => seen.push(t), { debounceMs: 5, pollMs: 10, http: http.http });
    const first = await until(() => seen.find((t) => t.consul?.servers.some((s) => s.leader)), 'a topology with a leader');
    expect(first.consul?.instances.every((i) => i.passing)).toBe(true);
    const calls = http.request.mock.calls.length;
    const told = seen.length;
    await until(() => (http.request.mock.calls.length >= calls + 9 ? true : undefined), 'three more polls of Consul');
    expect(seen).toHaveLength(told);

    http.state.recording = { ...recording('healthy'), leader: { status: 200, body: '172.28.0.4:8300' } };
    const changed = await until(() => seen.find((t) => t.consul?.servers[2]?.leader), 'the new leader');
    stop();
    expect(changed.consul?.servers.map((s) => s.leader)).toEqual([false, false, true]);
  });

  it('marks only the Consul part stale when Consul stops answering; the containers still follow events', async () => {
    const { docker, http, state, events } = consulWatch(consulLab(), recording('healthy'));
    const seen: Topology[] = [];
    const stop = watchTopology(docker, (t) => seen.push(t), { debounceMs: 5, pollMs: 10, http: http.http });
    await until(() => seen.find((t) => t.consul?.servers.some((s) => s.leader)), 'a topology with a leader');
    http.state.answering = [];
    const stale = await until(() => seen.find((t) => t.consul?.stale), 'a stale Consul part');
    expect(stale.stale).toBeUndefined();
    expect(stale.consul?.servers[0]?.leader).toBe(true);

    state.containers = consulLab().map((c) => (c.name === 'simple_consul_1' ? consulServer(1, false) : c));
    events.write(event('die', 'simple_consul_1'));
    const stopped = await until(() => seen.find((t) => t.consul?.servers[0]?.running === false), 'simple_consul_1 stopped');
    stop();
    // A stopped server is never the leader, whatever Consul said last.
    expect(stopped.consul?.servers[0]).toEqual({ name: 'simple_consul_1', running: false, leader: false });
  });

  it('asks Consul nothing when the lab has no Consul servers', async () => {
    const { docker, http } = consulWatch([container('server_1', 'server')], recording('healthy'));
    const seen: Topology[] = [];
    const stop = watchTopology(docker, (t) => seen.push(t), { debounceMs: 5, pollMs: 10, http: http.http });
    await until(() => seen[0], 'a first topology');
    await new Promise((resolve) => setTimeout(resolve, 40));
    stop();
    expect(http.request).not.toHaveBeenCalled();
    expect(seen[0]?.consul).toBeUndefined();
  });
});
