import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { freshStateDir, runLab } from '../helpers/run-lab.js';

/** Bad input gets a clear message and a non-zero exit, never a stack trace. */
describe('lab on bad input', () => {
  it('names the file and the field of a malformed stage file and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-broken-lessons-'));
    cpSync(join(process.cwd(), 'lessons'), dir, { recursive: true });
    const file = join(dir, '01-single-host', 'stage.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('container: simple-server-test\n    image:', 'container: 42\n    image:'));
    const run = await runLab(['--lessons', dir, 'list'], { LAB_STATE_DIR: freshStateDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('01-single-host/stage.yaml: checks[3].container:');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown stage id with the valid ones and exits 2', async () => {
    const run = await runLab(['check', 'no-such-stage'], { LAB_STATE_DIR: freshStateDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('There is no stage "no-such-stage"');
    expect(run.stderr).toContain('single-host');
  });

  it('rejects an unknown command with exit 2', async () => {
    const run = await runLab(['frobnicate'], { LAB_STATE_DIR: freshStateDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'frobnicate'");
  });

  it('backs up a corrupt progress file, warns and goes on', async () => {
    const state = freshStateDir();
    writeFileSync(join(state, 'progress.json'), 'not json at all');
    const run = await runLab(['status'], { LAB_STATE_DIR: state });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('could not be read');
    expect(readdirSync(state).some((name) => name.startsWith('progress.json.corrupt-'))).toBe(true);
    expect(existsSync(join(state, 'progress.json'))).toBe(false);
  });

  it('prints status as JSON for scripts', async () => {
    const run = await runLab(['status', '--json'], { LAB_STATE_DIR: freshStateDir() });
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout) as { total: number; stages: { id: string; status: string }[] };
    expect(status.stages[0]).toMatchObject({ id: 'single-host', status: 'available' });
  });

  it('prints its version and help', async () => {
    const version = await runLab(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await runLab(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['list', 'status', 'check', 'solve', 'reset', 'doctor', 'images']) expect(help.stdout).toContain(command);
  });

  it('refuses to start the interface without a terminal, pointing at the plain commands', async () => {
    const run = await runLab([], { LAB_STATE_DIR: freshStateDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('lab list');
  });
});
