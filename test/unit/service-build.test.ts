import { describe, expect, it } from '@jest/globals';
import { judgeServiceBuild, type ServiceBuildFacts } from '../../src/checks/service-build.js';
import type { ContainerFacts } from '../../src/runtime/docker.js';
import { containerFacts } from '../helpers/container-facts.js';

const spec = { folder: 'example-service', build: 'node example-service/build.mjs', container: 'simple-server-test', path: '/app/simple-server.pyz' };
const artifact = 'a'.repeat(64);
const source = 'b'.repeat(64);
const info = { artifact: 'simple-server.pyz', sha256: artifact, sources: { 'server.py': source }, builtAt: '2026-12-04T10:00:00.000Z' };
const server = (over: Partial<ContainerFacts> = {}): ContainerFacts =>
  containerFacts({ id: 's1', name: 'simple-server-test', image: 'localhost:5000/simple-server', imageId: 'sha256:s', created: '2026-12-04T10:01:00.000Z', ...over });
const built: ServiceBuildFacts = { info, artifactSha: artifact, sourcesNow: { 'server.py': source }, container: server(), inside: artifact };
const judge = (facts: Partial<ServiceBuildFacts>, over: Partial<typeof spec> = {}) => judgeServiceBuild({ ...spec, ...over }, { ...built, ...facts });

describe('the service-build judge', () => {
  it('passes when the artifact is built from the current sources and the container runs that very file', () => {
    const judgement = judge({});
    expect(judgement.status).toBe('pass');
    expect(judgement.summary).toContain('simple-server-test runs that very file');
  });

  it('passes without a container when the lesson asks only for the build', () => {
    expect(judgeServiceBuild({ ...spec, container: undefined }, { info, artifactSha: artifact, sourcesNow: { 'server.py': source } }).status).toBe('pass');
  });

  it('fails, naming the dev script, when nothing was built', () => {
    const judgement = judgeServiceBuild(spec, { sourcesNow: {} });
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toContain('no build of the service in example-service/build/');
    expect(judgement.hint).toContain('node example-service/build.mjs');
  });

  it('fails when the record is there but the artifact is not', () => {
    const { artifactSha: _gone, ...facts } = built;
    expect(judgeServiceBuild(spec, facts).status).toBe('fail');
  });

  it('fails on a build record that is not one', () => {
    expect(judge({ info: 'corrupt' }).summary).toContain('is not the build\'s record');
  });

  it('fails when the artifact is not the file the build wrote', () => {
    expect(judge({ artifactSha: 'c'.repeat(64) }).summary).toContain('hash differs from build-info.json');
  });

  it('fails when a source changed since the build, or is gone', () => {
    expect(judge({ sourcesNow: { 'server.py': 'd'.repeat(64) } }).summary).toBe('server.py changed since the last build: example-service/build/simple-server.pyz is stale.');
    expect(judge({ sourcesNow: { 'server.py': undefined } }).status).toBe('fail');
  });

  it('fails when the container is missing or stopped', () => {
    const { container: _none, inside: _nothing, ...noContainer } = built;
    expect(judgeServiceBuild(spec, noContainer).summary).toContain('there is no container named simple-server-test');
    expect(judge({ container: server({ running: false, state: 'exited' }) }).summary).toContain('simple-server-test is exited');
  });

  it('fails when the container has no artifact (an image built otherwise)', () => {
    const { inside: _nothing, ...facts } = built;
    expect(judgeServiceBuild(spec, facts).summary).toContain('has no /app/simple-server.pyz');
  });

  it('fails when the container runs an older build than the one on disk', () => {
    const judgement = judge({ inside: 'e'.repeat(64) });
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toContain('runs another build (sha256 eeeeeeeeeeee)');
    expect(judgement.hint).toContain('a container keeps the image it was made from');
  });
});
