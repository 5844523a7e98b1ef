import { describe, expect, it } from '@jest/globals';
import { freePort } from '../helpers/net.js';
import { freshStateDir, runLab } from '../helpers/run-lab.js';

describe('lab with no Docker engine', () => {
  it.each([['check', 'single-host'], ['solve', 'single-host'], ['reset', '--all'], ['reset', 'single-host'], ['doctor'], ['images', 'build']])(
    '`lab %s` exits 3 naming the host and `lab doctor`',
    async (...args: string[]) => {
      const host = `tcp://127.0.0.1:${await freePort()}`;
      const run = await runLab(args, { DOCKER_HOST: host, LAB_STATE_DIR: freshStateDir() });
      expect(run.code).toBe(3);
      expect(run.output).toContain(host);
      expect(run.output).toContain('lab doctor');
      expect(run.output).not.toMatch(/\n\s+at /);
    },
  );
});
