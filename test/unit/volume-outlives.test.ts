import { describe, expect, it } from '@jest/globals';
import { judgeVolumeOutlives } from '../../src/checks/volume-outlives.js';
import type { ContainerFacts } from '../../src/runtime/docker.js';
import { containerFacts } from '../helpers/container-facts.js';

const spec = { container: 'simple-registry', volume: 'simple-registry-data', path: '/var/lib/docker-registry', image: 'localhost:5000/simple-server' };
const registry = (over: Partial<ContainerFacts> = {}): ContainerFacts =>
  containerFacts({
    id: 'r1',
    name: 'simple-registry',
    image: 'dockerlab/registry',
    imageId: 'sha256:r',
    created: '2026-12-04T10:00:10.000Z',
    mounts: [{ type: 'volume', name: 'simple-registry-data', destination: '/var/lib/docker-registry', readOnly: false }],
    ...over,
  });
const pushedAt = Date.parse('2026-12-04T10:00:05Z');

describe('the volume-outlives judge', () => {
  it('passes when the running registry was created after the data was written, on the volume', () => {
    expect(judgeVolumeOutlives(spec, { container: registry(), writtenMs: pushedAt }).status).toBe('pass');
  });

  it('fails when the data was written through the container running now', () => {
    const judgement = judgeVolumeOutlives(spec, { container: registry(), writtenMs: pushedAt + 60_000 });
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toContain('is the container simple-server:latest was pushed to');
  });

  it("fails when the data is not on the named volume (the container's own layer, or a bind mount)", () => {
    expect(judgeVolumeOutlives(spec, { container: registry({ mounts: [] }), writtenMs: pushedAt }).summary).toContain('does not keep /var/lib/docker-registry on the volume');
    const bind = registry({ mounts: [{ type: 'bind', destination: '/var/lib/docker-registry', readOnly: false }] });
    expect(judgeVolumeOutlives(spec, { container: bind, writtenMs: pushedAt }).status).toBe('fail');
  });

  it('fails when nothing was pushed, or there is no registry', () => {
    expect(judgeVolumeOutlives(spec, { container: registry() }).summary).toBe('simple-server:latest is not in simple-registry\'s data yet.');
    expect(judgeVolumeOutlives(spec, {}).summary).toBe('There is no container named simple-registry.');
  });

  it('names the image by its name in the registry under another DOCKER_REPOSITORY (a path in the registry)', () => {
    const judgement = judgeVolumeOutlives({ ...spec, image: '127.0.0.1:5000/team/simple-server' }, { container: registry() });
    expect(judgement.summary).toBe("team/simple-server:latest is not in simple-registry's data yet.");
    expect(judgement.hint).toContain('docker push 127.0.0.1:5000/team/simple-server');
  });
});
