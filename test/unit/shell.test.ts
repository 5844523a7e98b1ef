import { describe, expect, it } from '@jest/globals';
import { createShell } from '../../src/runtime/shell.js';

describe('the command runner', () => {
  const shell = createShell();

  it('streams output as it comes and reports the exit code', async () => {
    const chunks: string[] = [];
    const result = await shell.run('echo one; echo two >&2; exit 3', { cwd: process.cwd(), onOutput: (text) => chunks.push(text) });
    expect(chunks.join('')).toContain('one');
    expect(chunks.join('')).toContain('two');
    expect(result).toMatchObject({ exitCode: 3, cancelled: false });
  });

  it('stops on the first failing line, as bash -e does', async () => {
    const chunks: string[] = [];
    const result = await shell.run('false\necho not reached', { cwd: process.cwd(), onOutput: (text) => chunks.push(text) });
    expect(result.exitCode).toBe(1);
    expect(chunks.join('')).not.toContain('not reached');
  });

  it('cancels like Ctrl-C: SIGINT reaches the whole group, then SIGTERM ends what ignored it', async () => {
    const shell = createShell({ graceMs: 300 });
    const controller = new AbortController();
    const chunks: string[] = [];
    const running = shell.run("trap 'echo caught INT; exit 130' INT; echo ready; sleep 30 & wait", {
      cwd: process.cwd(),
      signal: controller.signal,
      onOutput: (text) => {
        chunks.push(text);
        if (text.includes('ready')) controller.abort();
      },
    });
    const result = await running;
    expect(result.cancelled).toBe(true);
    expect(result.durationMs).toBeLessThan(5_000);
    expect(chunks.join('')).toContain('caught INT');
  });
});
