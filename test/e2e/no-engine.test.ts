import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { freshStateDir, runLab } from '../helpers/run-lab.js';

/** A port that nothing listens on: bind one, note it, close it. */
const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('lab with no Docker engine', () => {
  it.each([['check', 'single-host'], ['solve', 'single-host'], ['reset', '--all'], ['reset', 'single-host'], ['doctor'], ['images', 'build']])(
    '`lab %s` exits 3 naming the host and `lab doctor`',
    async (...args: string[]) => {
      const host = `tcp://127.0.0.1:${await closedPort()}`;
      const run = await runLab(args, { DOCKER_HOST: host, LAB_STATE_DIR: freshStateDir() });
      expect(run.code).toBe(3);
      expect(run.output).toContain(host);
      expect(run.output).toContain('lab doctor');
      expect(run.output).not.toMatch(/\n\s+at /);
    },
  );
});
