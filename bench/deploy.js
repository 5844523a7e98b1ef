#!/usr/bin/env node
// Deploy and failover benchmarks for stages 2 and 3, figures from one run, each against baselines
// measured in this same script on this same engine:
//   - `lab deploy N` against a sequential loop of `docker run -d` (the article's deploy.sh) and
//     `docker-compose up -d --scale` (Debian's docker-compose), and against the engine's own floor:
//     the time it takes to start N containers that were created beforehand;
//   - failover: a bounded, fixed-rate load through simple_haproxy_1 while 2 of 10 servers are removed.
// Touches only labelled lab containers; starts and ends with `lab reset --all`.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONCURRENCY, eachLimited } from '../dist/deploy/apply.js';
import { createDockerClient } from '../dist/runtime/docker.js';

const env = { ...process.env, NO_COLOR: '1', LAB_STATE_DIR: mkdtempSync(join(tmpdir(), 'lab-bench-')) };
const LABELS = ['--label', 'dev.dockerlab.managed=true', '--label', 'dev.dockerlab.role=server', '--label', 'dev.dockerlab.stage=horizontal-scale'];
const IMAGE = 'localhost:5000/simple-server';

const sh = (command, args, options = {}) => {
  const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stderr}`);
  return result.stdout;
};
const lab = (...args) => sh(process.execPath, ['dist/cli/main.js', ...args]);
const time = (work) => {
  const started = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - started) / 1e9;
};
const removeServers = () => {
  const ids = sh('docker', ['ps', '-aq', '--filter', 'label=dev.dockerlab.managed=true', '--filter', 'label=dev.dockerlab.role=server']).split('\n').filter(Boolean);
  if (ids.length > 0) sh('docker', ['rm', '-f', ...ids]);
};
const names = (n, prefix = 'server') => Array.from({ length: n }, (_, i) => `${prefix}_${i + 1}`);

/**
 * The engine's own floor: the time it takes to start N containers created beforehand, asked through
 * the API one at a time and several at a time; the best of those is what no client can beat.
 */
async function engineFloor(n) {
  const docker = createDockerClient();
  const best = {};
  for (const concurrency of [1, CONCURRENCY.start, 8]) {
    await eachLimited(names(n), 8, (name) => docker.createContainer({ name, image: IMAGE, network: 'simple-network', env: { SERVER_NAME: name }, labels: { 'dev.dockerlab.managed': 'true', 'dev.dockerlab.role': 'server' } }));
    const started = Date.now();
    await eachLimited(names(n), concurrency, (name) => docker.startContainer(name));
    best[concurrency] = (Date.now() - started) / 1000;
    removeServers();
  }
  return { sequential: best[1], floor: Math.min(...Object.values(best)) };
}

function sequentialCli(n) {
  const seconds = time(() => {
    for (const name of names(n)) sh('docker', ['run', '-d', '--name', name, '--network', 'simple-network', ...LABELS, '-e', `SERVER_NAME=${name}`, IMAGE]);
  });
  removeServers();
  return seconds;
}

function compose(n) {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'lab-compose-'));
  writeFileSync(
    join(dir, 'docker-compose.yml'),
    [
      "version: '2.4'",
      'services:',
      '  web:',
      `    image: ${IMAGE}`,
      '    labels:',
      '      dev.dockerlab.managed: "true"',
      '      dev.dockerlab.role: server',
      '      dev.dockerlab.stage: horizontal-scale',
      'networks:',
      '  default:',
      '    external:',
      '      name: simple-network',
      '',
    ].join('\n'),
  );
  const seconds = time(() => sh('docker-compose', ['-p', 'labbench', 'up', '-d', '--scale', `web=${n}`], { cwd: dir }));
  removeServers();
  return seconds;
}

function labDeploy(n) {
  const seconds = time(() => lab('deploy', String(n)));
  removeServers();
  return seconds;
}

/** `total` requests at `rate` per second through 127.0.0.1:port, at most 64 in flight; counts failures. */
function load(port, total, rate) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let sent = 0;
  let finished = 0;
  let failed = 0;
  const started = Date.now();
  return new Promise((resolve) => {
    const fire = () => {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate));
      while (sent < due && sent - finished < 64) {
        sent += 1;
        const request = http.get({ host: '127.0.0.1', port, path: '/health', agent, timeout: 5_000 }, (response) => {
          response.resume();
          response.on('end', () => done(response.statusCode !== 200));
        });
        request.on('timeout', () => request.destroy(new Error('timeout')));
        request.on('error', () => done(true));
      }
      if (sent < total) setTimeout(fire, 2);
    };
    const done = (bad) => {
      finished += 1;
      if (bad) failed += 1;
      if (finished === total) {
        agent.destroy();
        resolve({ total, failed, seconds: (Date.now() - started) / 1000 });
      }
    };
    fire();
  });
}

const rows = [];
lab('reset', '--all');
lab('deploy', '1'); // makes simple-network
removeServers();
for (const n of [10, 50]) {
  const { sequential, floor } = await engineFloor(n);
  const ours = labDeploy(n);
  const loop = sequentialCli(n);
  const composed = compose(n);
  const row = (what, seconds) => ({ n, what, seconds: seconds?.toFixed(1) ?? 'n/a', 'vs lab deploy': seconds ? `${(seconds / ours).toFixed(2)}×` : 'n/a', 'vs engine floor': seconds ? `${(seconds / floor).toFixed(2)}×` : 'n/a' });
  rows.push(row('engine floor (best start of pre-created)', floor), row('  same, started one at a time', sequential), row('lab deploy', ours), row('sequential docker run -d', loop), row(composed === undefined ? 'docker-compose (not installed)' : 'docker-compose --scale', composed));
}
console.log('\nDeploy N servers (seconds; ratios are that row over lab deploy, and over the engine floor)\n');
console.table(rows);

lab('deploy', '-l', '1', '10');
const waitForLb = Date.now();
while (Date.now() - waitForLb < 10_000 && spawnSync('curl', ['-sf', '127.0.0.1:8181/health'], { stdio: 'ignore' }).status !== 0) execFileSync('sleep', ['0.1']);
const running = load(8181, 10_000, 500);
// Removed without blocking the load loop.
setTimeout(() => spawn('docker', ['rm', '-f', 'server_3'], { stdio: 'ignore' }), 5_000);
setTimeout(() => spawn('docker', ['rm', '-f', 'server_7'], { stdio: 'ignore' }), 10_000);
const result = await running;
console.log(`\nFailover: ${result.total} requests at 500/s through simple_haproxy_1 in ${result.seconds.toFixed(1)} s while server_3 and server_7 were removed: ${result.failed} failed.\n`);
lab('reset', '--all');
