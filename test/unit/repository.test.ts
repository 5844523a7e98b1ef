import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { loadLessons } from '../../src/lessons/load.js';
import { dockerRepository, expandRepository, inRepository, LAB_REGISTRY, splitRepository } from '../../src/runtime/repository.js';
import { planDeploy } from '../../src/deploy/plan.js';
import { parseDeployOptions } from '../../src/deploy/options.js';

const lessonsDir = new URL('../../lessons', import.meta.url).pathname;

describe('DOCKER_REPOSITORY', () => {
  it("is the lab's registry when unset or empty", () => {
    expect(dockerRepository({})).toBe(LAB_REGISTRY);
    expect(dockerRepository({ DOCKER_REPOSITORY: '  ' })).toBe('localhost:5000');
  });

  it('takes a registry with a path, dropping trailing slashes', () => {
    expect(dockerRepository({ DOCKER_REPOSITORY: '127.0.0.1:5000/team/' })).toBe('127.0.0.1:5000/team');
    expect(dockerRepository({ DOCKER_REPOSITORY: 'registry.example.org/dockerlab' })).toBe('registry.example.org/dockerlab');
  });

  it('refuses what docker tag would refuse, naming the variable and the fix', () => {
    for (const bad of ['localhost:5000/Team', 'has space', 'localhost:5000//x', 'http://localhost:5000', 'a/b:tag']) {
      expect(() => dockerRepository({ DOCKER_REPOSITORY: bad })).toThrow(UsageError);
    }
    expect(() => dockerRepository({ DOCKER_REPOSITORY: 'http://x' })).toThrow('DOCKER_REPOSITORY="http://x" is not a repository Docker can tag images in.');
  });

  it("names the lab's images in the repository; other images are kept", () => {
    expect(inRepository('localhost:5000/simple-server', '127.0.0.1:5000/team')).toBe('127.0.0.1:5000/team/simple-server');
    expect(inRepository('dockerlab/registry', '127.0.0.1:5000/team')).toBe('dockerlab/registry');
    expect(splitRepository('localhost:5000/team')).toEqual({ registry: 'localhost:5000', path: 'team' });
    expect(splitRepository('localhost:5000')).toEqual({ registry: 'localhost:5000', path: '' });
  });

  it('expands $DOCKER_REPOSITORY and ${DOCKER_REPOSITORY}, not a longer variable', () => {
    expect(expandRepository('docker run $DOCKER_REPOSITORY/simple-server ${DOCKER_REPOSITORY}/x $DOCKER_REPOSITORY_OTHER', 'r:1')).toBe('docker run r:1/simple-server r:1/x $DOCKER_REPOSITORY_OTHER');
  });

  it("reaches the lessons' checks (not their commands, which the shell expands, nor images:, which are the lab's names)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-repository-'));
    cpSync(lessonsDir, dir, { recursive: true });
    const stage = loadLessons(dir, '127.0.0.1:5000/team').stages.find((candidate) => candidate.id === 'single-host')!;
    const checks = JSON.stringify(stage.checks);
    expect(checks).toContain('"registry":"127.0.0.1:5000/team"');
    expect(checks).toContain('"image":"127.0.0.1:5000/team/simple-server"');
    expect(checks).not.toContain('$DOCKER_REPOSITORY');
    expect(stage.solve.join('\n')).toContain('docker push $DOCKER_REPOSITORY/simple-server');
    const byDefault = loadLessons(dir).stages.find((candidate) => candidate.id === 'single-host')!;
    expect(JSON.stringify(byDefault.checks)).toContain('"image":"localhost:5000/simple-server"');
  });

  it('makes `lab deploy` run every image from the repository', () => {
    const options = { ...parseDeployOptions({ servers: '2', consul: true, lb: '1' }), repository: '127.0.0.1:5000' };
    const plan = planDeploy(options, [], 'test');
    const images = [...plan.consulServers, ...plan.servers, ...plan.agents, ...plan.lbs.map((lb) => lb.spec), ...plan.lbAgents].map((spec) => spec.image);
    expect(new Set(images)).toEqual(new Set(['127.0.0.1:5000/simple-consul', '127.0.0.1:5000/simple-server', '127.0.0.1:5000/simple-haproxy-consul']));
    const byDefault = planDeploy(parseDeployOptions({ servers: '2' }), [], 'test');
    expect(byDefault.servers[0]?.image).toBe('localhost:5000/simple-server');
  });
});
