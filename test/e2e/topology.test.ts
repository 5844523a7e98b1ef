import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDockerClient } from '../../src/runtime/docker.js';
import { watchTopology, type Topology } from '../../src/runtime/topology.js';
import { LABEL_MANAGED, LABEL_ROLE } from '../../src/runtime/names.js';

/**
 * The live topology on the real engine: it sees the lab's servers, and hears of a stopped one from
 * the engine's events. Other tests share the engine, so this one creates its own containers under
 * their own names and label, reads only those, and removes them by that label.
 */
const TEST_LABEL = 'dev.dockerlab.test';
const RUN = 'helper4';
const NETWORK = 'h4-topology-net';
const NAMES = ['h4srv_1', 'h4srv_2'];
const labels = { [LABEL_MANAGED]: 'true', [LABEL_ROLE]: 'server', [TEST_LABEL]: RUN };

const docker = createDockerClient();
const ours = (topology: Topology) => topology.servers.filter((server) => NAMES.includes(server.name));

/** The topologies the watcher told of, and a way to wait for one that satisfies a condition. */
function follow() {
  const seen: Topology[] = [];
  const stop = watchTopology(docker, (topology) => seen.push(topology));
  const waitFor = async (what: string, matches: (topology: Topology) => boolean, timeoutMs: number): Promise<Topology> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = seen.find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no topology showed ${what} within ${timeoutMs} ms; the last: ${JSON.stringify(seen.at(-1) && ours(seen.at(-1)!))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { stop, waitFor };
}

describe('the live topology on a real engine', () => {
  beforeAll(async () => {
    await docker.removeByLabel([`${TEST_LABEL}=${RUN}`]);
    await docker.ensureNetwork(NETWORK, { [LABEL_MANAGED]: 'true', [TEST_LABEL]: RUN });
    for (const name of NAMES) {
      await docker.createContainer({ name, image: 'localhost:5000/simple-server', network: NETWORK, env: { SERVER_NAME: name }, labels });
      await docker.startContainer(name);
    }
  });

  afterAll(async () => {
    await docker.removeByLabel([`${TEST_LABEL}=${RUN}`]);
  });

  it('reports the running servers, then a stopped one within 3 s, from the engine\'s events', async () => {
    const watch = follow();
    try {
      const first = await watch.waitFor('both servers running', (t) => ours(t).filter((s) => s.running).length === 2, 10_000);
      expect(ours(first).map((s) => s.name)).toEqual(NAMES);

      const stoppedAt = Date.now();
      await docker.api.getContainer('h4srv_2').stop({ t: 0 });
      const after = await watch.waitFor('h4srv_2 stopped', (t) => ours(t).some((s) => s.name === 'h4srv_2' && !s.running), 3_000);
      expect(Date.now() - stoppedAt).toBeLessThan(3_000);
      expect(ours(after)).toEqual([
        { name: 'h4srv_1', state: 'running', running: true },
        { name: 'h4srv_2', state: 'exited', running: false },
      ]);
    } finally {
      watch.stop();
    }
  });
});
