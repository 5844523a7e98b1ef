import type { ContainerFacts } from '../../src/runtime/docker.js';

/** A running container as the engine describes it, with what a test changes. */
export const containerFacts = (over: Partial<ContainerFacts> & Pick<ContainerFacts, 'name'>): ContainerFacts => ({
  id: `id-${over.name}`,
  image: 'img',
  imageId: 'sha256:1',
  running: true,
  state: 'running',
  exitCode: 0,
  labels: {},
  ports: [],
  networks: {},
  mounts: [],
  ...over,
});
