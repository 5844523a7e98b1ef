import { afterAll, describe, expect, it } from '@jest/globals';
import { docker, failedLines, freshStateDir, ownsTheLab, runLab } from '../helpers/run-lab.js';

/**
 * DOCKER_REPOSITORY, as the article's scripts read it, on the real engine: another name for the
 * lab's registry with a path in it (127.0.0.1:5000/team). The lessons' commands tag, push and run
 * the images there, `lab deploy` runs them from there, and the checks look for them there.
 */
describe('DOCKER_REPOSITORY on a real engine', () => {
  const repository = '127.0.0.1:5000/team';
  const env = { LAB_STATE_DIR: freshStateDir(), DOCKER_REPOSITORY: repository };
  const named = (image: string) => `${repository}/${image}`;
  const imageOf = (container: string) => docker('inspect', '-f', '{{.Config.Image}}', container);

  ownsTheLab(env);
  afterAll(() => {
    // Only the names this test gave: the images keep the lab's own names.
    for (const image of ['simple-server', 'simple-haproxy']) {
      try {
        docker('rmi', named(image));
      } catch {
        // Not there.
      }
    }
  });

  it('is refused with a clear message when it is not a repository name', async () => {
    const run = await runLab(['check', 'single-host'], { ...env, DOCKER_REPOSITORY: 'localhost:5000/Team' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DOCKER_REPOSITORY="localhost:5000/Team" is not a repository Docker can tag images in.');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('stage 1 fails until the image is pushed there, then passes with the image built, pushed and run from there', async () => {
    const before = await runLab(['check', 'single-host'], env);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain(`${named('simple-server')}:latest is not built on this engine`);
    const run = await runLab(['solve', 'single-host'], env);
    expect({ code: run.code, failed: failedLines(run) }).toEqual({ code: 0, failed: [] });
    expect(run.stdout).toContain(`${named('simple-server')}:latest is built with lab labels and pushed`);
    expect(imageOf('simple-server-test')).toBe(named('simple-server'));
    const catalog = (await (await fetch('http://127.0.0.1:5000/v2/_catalog')).json()) as { repositories: string[] };
    expect(catalog.repositories).toContain('team/simple-server');
  }, 180_000);

  it('`lab deploy` runs the servers from there; stage 3 runs HAProxy from there (the lab gives its image that name on first use)', async () => {
    expect((await runLab(['solve', 'horizontal-scale'], env)).code).toBe(0);
    expect(imageOf('server_1')).toBe(named('simple-server'));
    const run = await runLab(['solve', 'load-balancing'], env);
    expect({ code: run.code, failed: failedLines(run) }).toEqual({ code: 0, failed: [] });
    expect(run.output).toContain(`docker tag localhost:5000/simple-haproxy:latest ${named('simple-haproxy')}:latest`);
    const lbs = docker('ps', '--filter', 'label=dev.dockerlab.role=lb', '--format', '{{.Names}}').split('\n').filter(Boolean);
    expect(lbs.length).toBeGreaterThan(0);
    for (const lb of lbs) expect(imageOf(lb)).toBe(named('simple-haproxy'));
  }, 300_000);
});
