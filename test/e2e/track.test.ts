import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freshStateDir, runLab } from '../helpers/run-lab.js';

/**
 * `lab test` on the real engine when a lesson's solution is broken. The whole track's passing run is
 * in remote-engine.test.ts (on a lab machine's engine) and in the VM lane (vm/lane.sh, Docker 26).
 */
describe('lab test', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };

  afterAll(async () => {
    await runLab(['reset', '--all'], env);
  });

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
