import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadLessons } from '../../src/lessons/load.js';
import { packageRoot } from '../../src/runtime/paths.js';
import { createShell } from '../../src/runtime/shell.js';
import { freshStateDir, ownsTheLab, runLab } from '../helpers/run-lab.js';

/**
 * The steps a learner runs in the UI, exactly as the lesson shows them, in order, must leave the
 * stage passing — not only the `solve` list. Stages 5 and 6, where every step addresses a machine.
 */
describe.each([['multi-host'], ['orchestration']])('the steps of %s, run in order as the UI runs them', (stageId) => {
  const env = { LAB_STATE_DIR: freshStateDir() };
  const stage = loadLessons(join(packageRoot, 'lessons')).stages.find((s) => s.id === stageId)!;
  const shell = createShell();
  const run = async (command: string): Promise<void> => {
    let output = '';
    const result = await shell.run(command, { cwd: packageRoot, env: { ...env, LAB_STAGE: stageId }, onOutput: (text) => (output += text) });
    expect({ command, exitCode: result.exitCode, output: result.exitCode === 0 ? '' : output.slice(-1500) }).toEqual({ command, exitCode: 0, output: '' });
  };

  ownsTheLab(env);

  it('passes its checks after its setup and its steps', async () => {
    for (const command of stage.setup) await run(command);
    for (const step of stage.steps) await run(step.command);
    // A concept stage's quiz is answered in the UI (`a`); here with the stage's own answers.
    for (const command of stage.solve.filter((c) => c.startsWith('lab quiz'))) await run(command);
    const check = await runLab(['check', stageId], env);
    expect({ code: check.code, failed: check.stdout.split('\n').filter((line) => line.startsWith('✖')) }).toEqual({ code: 0, failed: [] });
  }, 300_000);
});
