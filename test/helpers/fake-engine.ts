import { PassThrough } from 'node:stream';
import type { ObserveContext } from '../../src/checks/types.js';
import type { ContainerFacts, DockerClient } from '../../src/runtime/docker.js';

const box = (name: string): ContainerFacts => ({ id: `id-${name}`, name, image: 'img', imageId: 'sha256:1', running: true, state: 'running', exitCode: 0, labels: {}, ports: [], networks: {} });

/**
 * An engine for pure tests of live checking: containers appear when the test says, an event stream
 * the test writes to (as `docker events` would), and a count of the looks the checks took.
 */
export function fakeEngine(): ObserveContext & {
  docker: DockerClient;
  start(name: string): void;
  /** Writes one event line, as the engine does for `docker start NAME`. */
  emit(name: string, action?: string): void;
  looks: () => number;
  streamOpened: Promise<void>;
} {
  const running = new Set<string>();
  const stream = new PassThrough();
  let looks = 0;
  let opened: () => void = () => undefined;
  const streamOpened = new Promise<void>((resolve) => (opened = resolve));
  const docker = {
    async inspectContainer(name: string) {
      looks += 1;
      return running.has(name) ? box(name) : undefined;
    },
    api: {
      async getEvents() {
        setImmediate(opened);
        return stream;
      },
    },
  } as unknown as DockerClient;
  return {
    docker,
    http: { request: async () => ({ ok: false, error: 'unused' }), sequence: async () => [] },
    progress: () => ({ version: 1, stages: {} }),
    start: (name) => running.add(name),
    emit: (name, action = 'start') => stream.write(`${JSON.stringify({ Type: 'container', Action: action, Actor: { Attributes: { name } } })}\n`),
    looks: () => looks,
    streamOpened,
  };
}
