import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BoardView } from '../../src/class/server.js';
import type { StoredEvent } from '../../src/class/store.js';
import { instructorGet, serveClass, type Serving } from '../helpers/class-server.js';
import { until } from '../helpers/net.js';
import { freshStateDir, runLab } from '../helpers/run-lab.js';

/**
 * The one class test on the real engine: a learner in a class solves stage 1 for real, and the
 * board shows the stage passed within a second of the check's report. The solution makes its own
 * clean start (it replaces the registry and simple-server-test); afterwards only simple-server-test is
 * removed, by the stage's own cleanup line.
 */
const cleanup = 'docker ps -aq --filter label=dev.dockerlab.managed=true --filter name=^simple-server-test$ | xargs -r docker rm -f';

describe('a learner in a class solves single-host', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };
  let serving: Serving;

  beforeAll(async () => {
    serving = await serveClass(['--port', '0', '--data', mkdtempSync(join(tmpdir(), 'lab-class-data-'))]);
    expect((await runLab(['class', 'join', serving.url, serving.code, '--name', 'solver'], env)).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    execSync(cleanup, { stdio: 'ignore' });
    await serving?.stop();
  }, 120_000);

  it('shows single-host passed on the board within a second of the check', async () => {
    const learner = (JSON.parse(readFileSync(join(env.LAB_STATE_DIR, 'class.json'), 'utf8')) as { learner: string }).learner;
    const solve = await runLab(['solve', 'single-host'], env, 300_000);
    expect({ code: solve.code, tail: solve.code === 0 ? '' : solve.output.slice(-2000) }).toEqual({ code: 0, tail: '' });
    const solved = Date.now();
    const cell = await until(
      'single-host passed on the board',
      async () => ((await instructorGet<BoardView>(serving, '/api/board')).learners.find((l) => l.id === learner)?.cells['single-host']?.state === 'passed' ? true : undefined),
      1_000,
    );
    expect(cell).toBe(true);
    expect(Date.now() - solved).toBeLessThan(1_000);
    // From the check's report (its finishedAt) to the server storing it.
    const { events } = await instructorGet<{ events: StoredEvent[] }>(serving, `/api/events?learner=${learner}`);
    const passed = events.find((e) => e.stage === 'single-host' && e.passed)!;
    expect(Date.parse(passed.receivedAt) - Date.parse(passed.at)).toBeLessThan(1_000);
    expect(passed.checks.every((c) => c.status !== 'fail')).toBe(true);
  }, 320_000);
});
