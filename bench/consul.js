#!/usr/bin/env node
// Stage 4 benchmark, figures from one run, for both load-balancer modes (DNS SRV slots, consul watch):
//   - removal of a server → gone from the passing catalog, and → the LB no longer routes to it;
//   - a new server's start → its first request served through the LB;
//   - failed requests under a bounded load while 2 of 10 servers and 1 of 5 Consul servers are removed.
// Baseline, measured in the same run: stage 3's static LB, where only HAProxy's health checks notice.
// Touches only the lab's labelled containers; starts and ends with `lab reset --all`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { observeBackends, observeCatalog } from '../dist/checks/consul-checks.js';
import { createDockerClient } from '../dist/runtime/docker.js';
import { createHttpClient } from '../dist/runtime/http.js';
import { startLoad } from '../dist/runtime/load.js';

const env = { ...process.env, NO_COLOR: '1', LAB_STATE_DIR: mkdtempSync(join(tmpdir(), 'lab-bench-')) };
const docker = createDockerClient();
const client = createHttpClient();
const lab = (...args) => {
  const result = spawnSync(process.execPath, ['dist/cli/main.js', ...args], { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`lab ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(predicate, deadlineMs = 20_000, everyMs = 50) {
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    if (await predicate()) return (Date.now() - started) / 1000;
    await sleep(everyMs);
  }
  return undefined;
}

const addressOf = async (name) => Object.values((await docker.inspectContainer(name))?.networks ?? {})[0];
const lbRoutesTo = async (address) => {
  const backends = await observeBackends(docker, 'simple_haproxy_1');
  return typeof backends !== 'string' && backends.some((b) => b.state === 'UP' && b.address.startsWith(`${address}:`));
};
const served = (port) =>
  new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.headers['x-served-by']);
    });
    request.on('error', () => resolve(undefined));
    request.on('timeout', () => request.destroy());
  });

/** Removal of `server` (with its agent, if any): seconds until the catalog and the LB drop it. */
async function removal(server, consul) {
  const address = await addressOf(server);
  const removed = Date.now();
  await Promise.all([docker.removeContainer(server), docker.removeContainer(`${server}_agent`)]);
  const [catalog, lb] = await Promise.all([
    consul ? until(async () => !(await observeCatalog(docker, client, 5)).passing.some((i) => i.node === server)) : Promise.resolve(undefined),
    until(async () => !(await lbRoutesTo(address))),
  ]);
  return { catalog, lb, wall: (Date.now() - removed) / 1000 };
}

/** A new server (a copy of `template`, with its agent) from start to its first request through the LB. */
async function newServer(template, name) {
  const server = await docker.captureSpec(template);
  const agent = await docker.captureSpec(`${template}_agent`);
  const started = Date.now();
  await docker.createContainer({ ...server, name, env: { ...server.env, SERVER_NAME: name } });
  await docker.startContainer(name);
  if (agent) {
    await docker.createContainer({
      ...agent,
      name: `${name}_agent`,
      network: `container:${name}`,
      labels: { ...agent.labels, 'dev.dockerlab.agent-of': name },
      command: agent.command.map((arg) => (arg === `-node=${template}` ? `-node=${name}` : arg)),
    });
    await docker.startContainer(`${name}_agent`);
  }
  const first = await until(async () => (await served(8181)) === name, 20_000, 20);
  return first === undefined ? undefined : (Date.now() - started) / 1000;
}

async function failover(consul) {
  const load = startLoad({ port: 8181, rate: 100, maxMs: 30_000 });
  await sleep(2_000);
  const victims = ['server_3', 'server_7', ...(consul ? ['simple_consul_2'] : [])];
  await Promise.all(victims.flatMap((name) => [docker.removeContainer(name), docker.removeContainer(`${name}_agent`)]));
  await sleep(8_000);
  return { victims, ...(await load.stop()) };
}

const fmt = (seconds) => (seconds === undefined ? 'never' : `${seconds.toFixed(2)} s`);
const rows = [];
for (const mode of ['static', 'dns', 'watch']) {
  const consul = mode !== 'static';
  lab('reset', '--all');
  lab('deploy', ...(consul ? ['-c', '--lb-mode', mode] : []), '-l', '1', '10');
  await until(async () => (await served(8181)) !== undefined);
  await sleep(consul ? 3_000 : 1_000);
  // The new server first: started after a removal, it can be handed the removed one's address, and a
  // static LB would then reach it under the old name.
  const join = consul ? await newServer('server_6', 'server_11') : undefined;
  const gone = await removal('server_5', consul);
  const fail = await failover(consul);
  rows.push({ mode, removedFromCatalog: consul ? fmt(gone.catalog) : 'n/a (no catalog)', lbStopsRouting: fmt(gone.lb), newServerServes: consul ? fmt(join) : 'never (not in the static list)', failover: `${fail.failed}/${fail.sent} failed (${fail.victims.join(', ')} removed)` });
}
lab('reset', '--all');
const base = rows[0];
console.log('\nStage 4: convergence and failover, one run (static = stage 3 LB, the baseline)\n');
console.table(rows);
for (const row of rows.slice(1)) {
  const ratio = (a, b) => (a === 'never' || b === 'never' ? 'n/a' : `${(parseFloat(a) / parseFloat(b)).toFixed(2)}×`);
  console.log(`${row.mode}: the LB stops routing to a removed server in ${ratio(row.lbStopsRouting, base.lbStopsRouting)} the static LB's time; a new server serves in ${row.newServerServes} (static: never).`);
}
