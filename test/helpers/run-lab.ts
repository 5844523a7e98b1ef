import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from '@jest/globals';

export interface LabRun {
  code: number | null;
  stdout: string;
  stderr: string;
  output: string;
}

const BIN = join(process.cwd(), 'dist', 'cli', 'main.js');

/** A fresh state dir, so tests never see (or spoil) a person's progress. */
export const freshStateDir = (): string => mkdtempSync(join(tmpdir(), 'lab-e2e-state-'));

/** Runs the built `lab` as a learner would, without a terminal. */
export function runLab(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 240_000): Promise<LabRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lab ${args.join(' ')} took more than ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, output: stdout + stderr });
    });
  });
}

/** The suite owns the lab's resources: `lab reset --all` before it (which must work) and after it. */
export function ownsTheLab(env: Record<string, string>): void {
  beforeAll(async () => {
    expect((await runLab(['reset', '--all'], env)).code).toBe(0);
  });
  afterAll(async () => {
    await runLab(['reset', '--all'], env);
  });
}

/** The docker CLI on this engine, its output as text (stderr kept out of the test's output). */
export const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** The failed check lines of a `lab check` run. */
export const failedLines = (run: LabRun): string[] => run.stdout.split('\n').filter((line) => line.startsWith('✖'));

/** Runs `lab check STAGE` until it exits as wanted (gossip and health checks converge in seconds), within a deadline. */
export async function checkUntil(stage: string, env: Record<string, string>, code: number, deadlineMs = 30_000): Promise<LabRun> {
  const started = Date.now();
  for (;;) {
    const run = await runLab(['check', stage], env);
    if (run.code === code || Date.now() - started > deadlineMs) return run;
  }
}

/**
 * What a learner does in the UI: a stage's setup, then each of its lesson's steps in order, exactly
 * as shown (and a concept stage's quiz answered with the stage's own answers, as `a` would).
 * Each command must exit 0; the output of one that does not is in the failure.
 */
export async function runStepsOf(stageId: string, env: Record<string, string>): Promise<void> {
  const { loadLessons } = await import('../../src/lessons/load.js');
  const { packageRoot } = await import('../../src/runtime/paths.js');
  const { createShell } = await import('../../src/runtime/shell.js');
  const stage = loadLessons(join(packageRoot, 'lessons')).stages.find((s) => s.id === stageId)!;
  const shell = createShell();
  const commands = [...stage.setup, ...stage.steps.map((step) => step.command), ...stage.solve.filter((c) => c.startsWith('lab quiz'))];
  for (const command of commands) {
    let output = '';
    const result = await shell.run(command, { cwd: packageRoot, env: { ...env, LAB_STAGE: stageId }, onOutput: (text) => (output += text) });
    expect({ command, exitCode: result.exitCode, output: result.exitCode === 0 ? '' : output.slice(-1500) }).toEqual({ command, exitCode: 0, output: '' });
  }
}
