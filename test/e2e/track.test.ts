import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freshStateDir, runLab } from '../helpers/run-lab.js';

/** `lab test` over the real track on the real engine: the heart of CI. */
describe('lab test', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };

  afterAll(async () => {
    await runLab(['reset', '--all'], env);
  });

  it('passes over the whole track, every stage failing before its solution and passing after', async () => {
    const junit = join(mkdtempSync(join(tmpdir(), 'lab-junit-')), 'track.xml');
    const run = await runLab(['test', '--junit', junit], env, 600_000);
    expect(run.stdout).toContain('Track test passed');
    expect(run.code).toBe(0);
    for (const id of ['single-host', 'horizontal-scale', 'load-balancing', 'service-discovery']) expect(run.stdout).toMatch(new RegExp(`✔ ${id} ok`));
    expect(readFileSync(junit, 'utf8')).toContain('failures="0"');
  }, 600_000);

  it('fails with exit 1 naming the stage when a lesson\'s solution is broken', async () => {
    const lessons = mkdtempSync(join(tmpdir(), 'lab-broken-track-'));
    cpSync(join(process.cwd(), 'lessons'), lessons, { recursive: true });
    const file = join(lessons, '02-horizontal-scale', 'stage.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  - lab deploy 10\n', '  - lab deploy 9\n'));
    const run = await runLab(['--lessons', lessons, 'test', '--to', 'horizontal-scale'], env, 300_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✖ horizontal-scale FAIL: checks fail after the solution');
    expect(run.stdout).toContain('Track test FAILED: horizontal-scale (fails-after-solve)');
  }, 300_000);
});
