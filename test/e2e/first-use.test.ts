import { describe, expect, it } from '@jest/globals';
import { docker, freshStateDir, ownsTheLab, runLab } from '../helpers/run-lab.js';

/**
 * A newcomer's first run: a stage whose images the engine lacks builds them itself before its
 * commands need them, showing each step — no `lab images build` first.
 */
describe('first use of a stage on an engine that lacks its images', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };
  ownsTheLab(env);

  it('builds what the stage declares and is missing, says so, and the stage then passes', async () => {
    docker('rmi', 'dockerlab/python');
    const run = await runLab(['solve', 'single-host'], env, 600_000);
    expect(run.stdout).toContain('This engine does not have every image the stage runs yet (dockerlab/python): building what is missing');
    expect(run.stdout).toContain('$ DOCKER_BUILDKIT=0 docker build -t dockerlab/python -f dockerfiles/python/Dockerfile dockerfiles/python');
    expect(run.stdout).toMatch(/✔ python built in \d/);
    expect(run.code).toBe(0);
    expect(docker('image', 'inspect', '--format', '{{index .Config.Labels "dev.dockerlab.image"}}', 'dockerlab/python')).toBe('python');
  }, 600_000);

  it('says nothing of images when the engine has them all', async () => {
    const run = await runLab(['solve', 'single-host'], env, 600_000);
    expect(run.stdout).not.toContain('building what is missing');
    expect(run.code).toBe(0);
  }, 600_000);
});
