import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
