#!/usr/bin/env node
// Stage 5/6 benchmark, figures from one run:
//   - time to create 3 lab machines (engines answering) with `lab machine create`, against the
//     baseline of starting 3 plain containers of the same image (`sleep`, no engine inside);
//   - swarm converge time: `swarm init` + 2 joins until 3 nodes are ready, and `service create
//     --replicas 6` until 6 tasks run (against the baseline of `docker run -d` ×6 on one machine);
//   - rescheduling after a worker machine is killed, with the lesson's `--dispatcher-heartbeat 2s` and
//     `--restart-delay 1s` against Swarm's defaults (5 s and 5 s), measured the same way in the same run.
// Touches only the lab's labelled containers; starts and ends with `lab reset --all`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = { ...process.env, NO_COLOR: '1', LAB_STATE_DIR: mkdtempSync(join(tmpdir(), 'lab-bench-')) };
const run = (command, args, extraEnv = {}) => {
  const result = spawnSync(command, args, { env: { ...env, ...extraEnv }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result.stdout.trim();
};
const lab = (...args) => run(process.execPath, ['dist/cli/main.js', ...args]);
const docker = (...args) => run('docker', args);
/** The docker CLI pointed at a machine exactly as `eval $(lab machine env NAME)` points it (TLS and all). */
const machineEnv = new Map();
const on = (name, ...args) => {
  if (!machineEnv.has(name)) machineEnv.set(name, Object.fromEntries([...lab('machine', 'env', name).matchAll(/^export (\w+)="([^"]*)"$/gm)].map((m) => [m[1], m[2]])));
  return run('docker', args, machineEnv.get(name));
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const timed = (work) => {
  const started = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - started) / 1e9;
};
async function until(predicate, deadlineMs = 120_000, everyMs = 100) {
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    if (predicate()) return (Date.now() - started) / 1000;
    await sleep(everyMs);
  }
  return undefined;
}
const readyNodes = (port) => on(port, 'node', 'ls', '--format', '{{.Status}}').split('\n').filter((s) => s === 'Ready').length;
const runningTasks = (port, exclude = '') =>
  on(port, 'service', 'ps', 'simple-service', '--filter', 'desired-state=running', '--format', '{{.CurrentState}} {{.Node}}')
    .split('\n')
    .filter((line) => line.startsWith('Running') && !line.endsWith(` ${exclude}`)).length;

async function swarm(heartbeat, restartDelay) {
  lab('reset', '--all');
  machineEnv.clear();
  docker('volume', 'create', '--label', 'dev.dockerlab.managed=true', '--label', 'dev.dockerlab.stage=single-host', 'simple-registry-data');
  docker('run', '-d', '--name', 'simple-registry', '--label', 'dev.dockerlab.stage=single-host', '-p', '127.0.0.1:5000:5000', '-v', 'simple-registry-data:/var/lib/docker-registry', 'dockerlab/registry');
  const create = timed(() => {
    lab('machine', 'create', 'manager');
    lab('machine', 'create', 'worker', '--count', '2');
  });
  docker('network', 'connect', 'simple-network', 'simple-registry');
  docker('push', '-q', 'localhost:5000/simple-server');
  const manager = 'manager';
  const managerIp = lab('machine', 'ip', 'manager');
  const started = Date.now();
  on(manager, 'swarm', 'init', '--advertise-addr', 'eth0', '--dispatcher-heartbeat', heartbeat);
  const token = on(manager, 'swarm', 'join-token', '-q', 'worker');
  for (const worker of ['worker-1', 'worker-2']) on(worker, 'swarm', 'join', '--token', token, `${managerIp}:2377`);
  await until(() => readyNodes(manager) === 3);
  const nodes = (Date.now() - started) / 1000;
  const serviceStarted = Date.now();
  on(manager, 'service', 'create', '--detach', '--name', 'simple-service', '--replicas', '6', '--restart-delay', restartDelay, 'simple-registry:5000/simple-server');
  await until(() => runningTasks(manager) === 6);
  const service = (Date.now() - serviceStarted) / 1000;
  const victim = 'worker-2';
  const killed = Date.now();
  docker('kill', `lab-machine-${victim}`);
  const rescheduled = await until(() => runningTasks(manager, victim) === 6);
  return { create, nodes, service, rescheduled, killedAt: killed };
}

/** Baselines on the same engine: 3 plain containers of the host image; 6 `docker run -d` on one machine. */
async function baselines() {
  lab('reset', '--all');
  machineEnv.clear();
  const plain = timed(() => {
    for (let i = 1; i <= 3; i += 1) docker('run', '-d', '--name', `lab-bench-plain-${i}`, '--label', 'dev.dockerlab.managed=true', '--entrypoint', 'sleep', 'dockerlab/host', '600');
  });
  lab('machine', 'create', 'solo');
  docker('volume', 'create', '--label', 'dev.dockerlab.managed=true', '--label', 'dev.dockerlab.stage=single-host', 'simple-registry-data');
  docker('run', '-d', '--name', 'simple-registry', '--label', 'dev.dockerlab.stage=single-host', '-p', '127.0.0.1:5000:5000', '-v', 'simple-registry-data:/var/lib/docker-registry', 'dockerlab/registry');
  docker('network', 'connect', 'simple-network', 'simple-registry');
  docker('push', '-q', 'localhost:5000/simple-server');
  const solo = 'solo';
  on(solo, 'pull', '-q', 'simple-registry:5000/simple-server');
  const six = timed(() => {
    for (let i = 1; i <= 6; i += 1) on(solo, 'run', '-d', 'simple-registry:5000/simple-server');
  });
  return { plain, six };
}

const base = await baselines();
const fast = await swarm('2s', '1s');
const slow = await swarm('5s', '5s');
lab('reset', '--all');
const f = (s) => (s === undefined ? 'did not converge' : `${s.toFixed(1)} s`);
console.log('Lab machines and Swarm (one run):');
console.log(`  create 3 machines (engines answering): ${f(fast.create)} — 3 plain containers of the same image: ${f(base.plain)} (${(fast.create / base.plain).toFixed(1)}×)`);
console.log(`  swarm converge: init + 2 joins → 3 nodes ready ${f(fast.nodes)}; service create --replicas 6 → 6 running ${f(fast.service)} (6 × docker run -d on one machine: ${f(base.six)}, ${(fast.service / base.six).toFixed(1)}×; includes the pull on each node)`);
console.log(`  rescheduling after a worker machine is killed: heartbeat 2s + restart delay 1s ${f(fast.rescheduled)} — Swarm's defaults (5 s, 5 s) ${f(slow.rescheduled)} (${slow.rescheduled && fast.rescheduled ? (slow.rescheduled / fast.rescheduled).toFixed(1) : '?'}× longer)`);
