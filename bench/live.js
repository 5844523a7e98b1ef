#!/usr/bin/env node
// Live checks: how long from a change on the engine to the updated result on the interface's screen.
// The interface is open on single-host (solved) in tmux; the container the stage runs is stopped and
// started again, 10 times each (20 changes), each timed from the docker CLI's return (the engine has
// sent its event by then) until the pane shows the check's new result. Baseline, in the same run:
// `lab check single-host`, what a learner would otherwise type to learn the same.
// Needs a Docker engine and tmux. Touches only the lab's own resources (it ends with `lab reset --all`).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = { ...process.env, NO_COLOR: '1', LAB_STATE_DIR: mkdtempSync(join(tmpdir(), 'lab-bench-live-')) };
const lab = (...args) => execFileSync(process.execPath, ['dist/cli/main.js', ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const session = `lab-bench-live-${process.pid}`;
const screen = () => spawnSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' }).stdout ?? '';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sorted = (values) => [...values].sort((a, b) => a - b);

async function untilScreen(text, deadlineMs = 15_000) {
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    if (screen().includes(text)) return Date.now() - started;
    await sleep(5);
  }
  throw new Error(`"${text}" did not appear within ${deadlineMs} ms`);
}

lab('reset', '--all');
lab('solve', 'single-host');
const checkStarted = Date.now();
lab('check', 'single-host');
const checkMs = Date.now() - checkStarted;

execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '110', '-y', '36', `env NO_COLOR=1 LAB_STATE_DIR=${env.LAB_STATE_DIR} ${process.execPath} dist/cli/main.js goto single-host`]);
const latencies = [];
try {
  await untilScreen('✔ simple-server-test runs as a daemon', 60_000);
  for (let i = 0; i < 10; i++) {
    execFileSync('docker', ['stop', '-t', '1', 'simple-server-test'], { stdio: 'ignore' });
    latencies.push(await untilScreen('✖ simple-server-test runs as a daemon'));
    execFileSync('docker', ['start', 'simple-server-test'], { stdio: 'ignore' });
    latencies.push(await untilScreen('✔ simple-server-test runs as a daemon'));
  }
} finally {
  spawnSync('tmux', ['kill-session', '-t', session]);
  lab('reset', '--all');
}

const all = sorted(latencies);
const median = all[Math.floor(all.length / 2)];
const worst = all.at(-1);
console.log('\nlive checks: engine change → result on screen, 20 changes (goal: median ≤ 1 s)\n');
console.table([
  { what: 'median', ms: median, 'vs lab check single-host': `${(median / checkMs).toFixed(2)}× (${checkMs} ms)` },
  { what: 'worst', ms: worst, 'vs lab check single-host': `${(worst / checkMs).toFixed(2)}× (${checkMs} ms)` },
]);
