#!/usr/bin/env node
// Benchmarks for the foundation, printed as figures from one run, each beside a baseline measured
// in the same script: TUI time to first frame, `lab check single-host`, image builds cold and warm.
// Needs a Docker engine and tmux. Touches only the lab's own resources (it ends with `lab reset --all`).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_IMAGES, buildCommand } from '../dist/runtime/images.js';

const LAB = ['dist/cli/main.js'];
// Its own cache folder: the code cache (src/cli/script-bundle.ts) starts empty, as after a build.
const env = { ...process.env, NO_COLOR: '1', LAB_STATE_DIR: mkdtempSync(join(tmpdir(), 'lab-bench-')), XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'lab-bench-cache-')) };

const time = (work) => {
  const started = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - started) / 1e6;
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { env, encoding: 'utf8', ...options });
  if (options.check !== false && result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result;
};
const lab = (...args) => run(process.execPath, [...LAB, ...args]);
const ms = (value) => `${value.toFixed(0)} ms`;
const rows = [];
const report = (what, value, baselineName, baseline, ratio = value / baseline) => {
  rows.push({ what, value: ms(value), baseline: `${baselineName} ${ms(baseline)}`, ratio: `${ratio.toFixed(2)}×` });
};
/**
 * The measured command and its baseline run in turns, n times each, and the ratio is the median of
 * each turn's own ratio: a machine whose speed drifts during the run (this one's swings ±30 %) moves
 * both sides of a turn alike. Medians of the times are reported beside it.
 */
const paired = (measured, baseline, n = 15) => {
  const turns = Array.from({ length: n }, () => {
    const b = time(baseline);
    const m = time(measured);
    return { m, b, ratio: m / b };
  });
  return { value: median(turns.map((t) => t.m)), baseline: median(turns.map((t) => t.b)), ratio: median(turns.map((t) => t.ratio)) };
};

/** Time until a tmux pane running `command` shows `text`. */
// A tmux server of its own for each run: a new session on a server that is still exiting after the
// last one's end fails ("server exited unexpectedly").
let runs = 0;
function timeToScreen(command, text, deadlineMs = 15_000, stayMs = 0) {
  const tmux = ['-L', `lab-bench-${process.pid}-${++runs}`];
  const started = Date.now();
  run('tmux', [...tmux, 'new-session', '-d', '-s', 'bench', '-x', '80', '-y', '24', `env NO_COLOR=1 LAB_STATE_DIR=${env.LAB_STATE_DIR} ${command}`]);
  try {
    while (Date.now() - started < deadlineMs) {
      const screen = run('tmux', [...tmux, 'capture-pane', '-p', '-t', 'bench'], { check: false }).stdout ?? '';
      if (screen.includes(text)) {
        const ms = Date.now() - started;
        if (stayMs > 0) execFileSync('sleep', [String(stayMs / 1000)]);
        return ms;
      }
      execFileSync('sleep', ['0.01']);
    }
    throw new Error(`"${text}" did not appear within ${deadlineMs} ms`);
  } finally {
    run('tmux', [...tmux, 'kill-server'], { check: false });
  }
}

// 0. Start-up, against a bare `node -e 0` in the same run (the floor any Node CLI pays).
const bare = () => run(process.execPath, ['-e', '0']);
const version = paired(() => lab('--version'), bare);
report('lab --version (goal ≤ 1.5×)', version.value, 'node -e 0', version.baseline, version.ratio);

// 1. TUI first frame, against a bare `node` that prints one line (the floor any Node CLI pays): as a
// tmux pane shows it, and inside the process (from its start to the frame's write, without tmux).
const firstWrite = (command, times = 7) => {
  const file = join(env.LAB_STATE_DIR, 'first-write');
  rmSync(file, { force: true });
  const marked = `env BENCH_FIRST_WRITE_TEXT=dockerlab BENCH_FIRST_WRITE_FILE=${file} ${process.execPath} --import ${join(process.cwd(), 'bench', 'first-write.js')} ${command}`;
  for (let n = 0; n < times; n++) timeToScreen(marked, 'dockerlab');
  return median(readFileSync(file, 'utf8').trim().split('\n').map(Number));
};
// The first start after a build runs without a code cache and writes it while the interface is open
// (1.5 s in); the starts after it read it. Cold: one start; then one left open, as a learner's is.
const coldFrame = firstWrite(LAB[0], 1);
timeToScreen(`${process.execPath} ${LAB[0]}`, 'dockerlab', 15_000, 2_500);
const firstFrame = median([1, 2, 3].map(() => timeToScreen(`${process.execPath} ${LAB[0]}`, 'dockerlab')));
const bareNode = median([1, 2, 3].map(() => timeToScreen(`${process.execPath} -e "console.log('hello'); setTimeout(() => {}, 5000)"`, 'hello')));
report('TUI first frame in tmux (80×24)', firstFrame, 'bare node start', bareNode);
const frameInProcess = firstWrite(LAB[0]);
const bareInProcess = firstWrite(`-e "console.log('dockerlab'); setTimeout(() => {}, 5000)"`);
report('TUI first frame from node start (goal ≤ 400 ms)', frameInProcess, 'bare node, first line', bareInProcess);
report('TUI first frame, first start after a build (no code cache)', coldFrame, 'bare node, first line', bareInProcess);

// 2. `lab check single-host` on a solved stage, against one `docker ps` CLI call.
lab('reset', '--all');
lab('solve', 'single-host');
const check = paired(() => lab('check', 'single-host'), bare, 9);
const dockerPs = median([1, 2, 3, 4, 5].map(() => time(() => run('docker', ['ps']))));
report('lab check single-host (5 checks)', check.value, 'docker ps', dockerPs);
report('lab check single-host (goal ≤ 4×)', check.value, 'node -e 0', check.baseline, check.ratio);
lab('reset', '--all');

// 3. Image builds: cold (no layer cache, packages fetched from Debian's archive) against warm.
// `node bench/run.js --startup` stops before them (minutes of downloads): start-up figures only.
if (!process.argv.includes('--startup')) {
  const root = process.cwd();
  const cold = time(() => {
    for (const image of LAB_IMAGES) run('bash', ['-c', buildCommand(image).replace('docker build', 'docker build --no-cache')], { cwd: root });
  });
  const warm = time(() => lab('images', 'build', '--offline'));
  report(`image build, ${LAB_IMAGES.length} images, cold (--no-cache)`, cold, 'warm rebuild', warm);
  report(`image build, ${LAB_IMAGES.length} images, warm (lab images build)`, warm, 'cold build', cold);
}

console.log('\ndockerlab benchmarks (one run, medians where repeated)\n');
console.table(rows);
