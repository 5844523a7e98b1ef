import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { docker, freshStateDir, ownsTheLab, runLab } from '../helpers/run-lab.js';

/**
 * Live checks on the real engine: the learner does stage 1 by hand, in a shell of their own, while
 * `lab watch` (a plain terminal) or the interface (in tmux) follows; the stage is recorded as passed
 * with no key pressed and no `lab check` typed.
 */
const byHand = [
  'node example-service/build.mjs',
  'docker build -q -t localhost:5000/simple-server -f dockerfiles/simple-server/Dockerfile example-service',
  'docker push -q localhost:5000/simple-server',
  // The lesson's volume step: the registry re-created on its volume; what was pushed is still there.
  'docker rm -f simple-registry',
  'docker run -d --name simple-registry --restart unless-stopped --label dev.dockerlab.stage=single-host -p 127.0.0.1:5000:5000 -v simple-registry-data:/var/lib/docker-registry dockerlab/registry',
  'docker run -d --name simple-server-test -p 127.0.0.1:8080:8080 localhost:5000/simple-server',
];
const doTheStageByHand = () => {
  for (const command of byHand) execFileSync('bash', ['-c', command], { stdio: 'ignore' });
};
const statusOf = async (env: Record<string, string>) => JSON.parse((await runLab(['status', '--json'], env)).stdout) as { stages: { id: string; status: string }[] };
const stageStatus = async (env: Record<string, string>) => (await statusOf(env)).stages.find((s) => s.id === 'single-host')?.status;

describe('lab watch', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };
  ownsTheLab(env);

  it('prints each change as the learner works in another shell, and exits 0 once the stage passes', async () => {
    const child = spawn(process.execPath, ['dist/cli/main.js', 'watch', 'single-host'], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 60_000;
    while (!stdout.includes('✖ simple-server-test runs as a daemon') && Date.now() < deadline) await sleep(100);
    expect(stdout).toContain('✖ simple-server-test runs as a daemon');
    doTheStageByHand();
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timed out'), 30_000)))]);
    clearTimeout(timer);
    if (code === 'timed out') child.kill('SIGINT');
    expect({ code, tail: stdout.split('\n').slice(-3) }).toMatchObject({ code: 0 });
    expect(stdout).toMatch(/✔ simple-server-test runs as a daemon — .*\(event\)/);
    expect(stdout).toContain('Stage single-host passed: recorded.');
    expect(await stageStatus(env)).toBe('passed');
  }, 120_000);

  it('stops cleanly on Ctrl-C, with no stack trace', async () => {
    docker('rm', '-f', 'simple-server-test');
    const child = spawn(process.execPath, ['dist/cli/main.js', 'watch', 'single-host'], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (!output.includes('✖ simple-server-test runs as a daemon')) await sleep(100);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(output).toContain('Stopped watching.');
    expect(output).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('live checks in the interface', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };
  ownsTheLab(env);
  // A tmux server of its own (its own socket, no config, outside any tmux the runner itself may use),
  // so no one else's options or clients size or draw this terminal.
  const socket = `lab-live-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: withoutTmux() });
  const screen = () => tmux('capture-pane', '-p', '-t', 'live').stdout ?? '';
  const waitFor = async (texts: string[], ms: number) => {
    const deadline = Date.now() + ms;
    while (!texts.every((text) => screen().includes(text)) && Date.now() < deadline) await sleep(200);
    return screen();
  };

  it('records the stage as passed while the learner works in their own shell, with no key pressed', async () => {
    // Should the interface exit, the pane keeps what it printed, and says so. CI=true, as a CI runner
    // (or a learner's shell) may set it, must not blank the interface (ink draws only its last frame then).
    const command = `env CI=true NO_COLOR=1 LAB_STATE_DIR=${env.LAB_STATE_DIR} ${process.execPath} dist/cli/main.js goto single-host; echo "lab exited with $?"; sleep 300`;
    expect(tmux('new-session', '-d', '-s', 'live', '-x', '100', '-y', '32', command).status).toBe(0);
    try {
      expect(await waitFor(['✖ simple-server-test runs as a daemon', '● Live: re-checked at'], 60_000)).toContain('● Live: re-checked at');
      doTheStageByHand();
      const after = await waitFor(['Stage passed.'], 20_000);
      expect(after).toContain('✔ /health answers 200');
      expect(after).toContain('Stage passed.');
      expect(await stageStatus(env)).toBe('passed');
    } finally {
      tmux('kill-server');
    }
  }, 120_000);
});

function withoutTmux(): NodeJS.ProcessEnv {
  const { TMUX: _tmux, TMUX_PANE: _pane, ...rest } = process.env;
  return rest;
}
