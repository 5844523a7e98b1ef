import { delimiter, join } from 'node:path';
import { ownEnvironment } from './engine-memory.js';
import { packageRoot } from './paths.js';
import { LAB_REGISTRY, REPOSITORY_VARIABLE } from './repository.js';

export interface CommandResult {
  command: string;
  exitCode: number;
  durationMs: number;
  /** Stopped by the learner (Ctrl-C, `x`) rather than ending on its own. */
  cancelled: boolean;
}

export interface RunOptions {
  cwd: string;
  /** Receives output as it arrives, stdout and stderr interleaved. */
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
  env?: Record<string, string>;
}

/** Runs the exact commands the learner sees, as bash would from the lab's folder. */
export interface Shell {
  run(command: string, options: RunOptions): Promise<CommandResult>;
}

const GRACE_MS = 5_000;

/** Leaves plain words alone so the command reads as typed; quotes anything else for bash. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** True while any process of the group is alive (a background child can outlive bash). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Each command runs in its own process group under `bash -e`, so cancelling it is what Ctrl-C in a
 * terminal does: SIGINT to the whole group (the docker CLI forwards it to the container), then
 * SIGTERM and SIGKILL if it does not end within a grace period.
 */
export function createShell({ graceMs = GRACE_MS, repository = LAB_REGISTRY }: { graceMs?: number; repository?: string } = {}): Shell {
  return {
    async run(command, { cwd, onOutput, signal, env }) {
      const started = Date.now();
      // Loaded on the first command: `lab check` and `lab list` run none.
      const { execa } = await import('execa');
      const child = execa('bash', ['-e', '-c', command], {
        cwd,
        // Lesson steps say `lab …`: the lab's own bin/ comes first on PATH so that means this lab.
        // They tag and run `$DOCKER_REPOSITORY/simple-server`: the repository is always set for them.
        env: { ...ownEnvironment({ ...process.env, ...env }), [REPOSITORY_VARIABLE]: repository, FORCE_COLOR: '0', PATH: [join(packageRoot, 'bin'), process.env.PATH].join(delimiter) },
        extendEnv: false,
        detached: true,
        all: true,
        reject: false,
        stdin: 'ignore',
        buffer: false,
      });
      child.all?.on('data', (chunk: Buffer) => onOutput?.(chunk.toString('utf8')));
      let cancelled = false;
      const cancel = (): void => {
        cancelled = true;
        void stopGroup(child.pid, graceMs);
      };
      if (signal?.aborted) cancel();
      signal?.addEventListener('abort', cancel, { once: true });
      const result = await child;
      signal?.removeEventListener('abort', cancel);
      const exitCode = result.exitCode ?? (cancelled ? 130 : 1);
      return { command, exitCode, durationMs: Date.now() - started, cancelled };
    },
  };
}

async function stopGroup(pid: number | undefined, graceMs: number): Promise<void> {
  if (pid === undefined) return;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    if (!groupAlive(pid)) return;
    try {
      process.kill(-pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + graceMs;
    while (groupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
