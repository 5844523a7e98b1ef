import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createDockerClient } from '../../src/runtime/docker.js';
import { buildImages, LAB_IMAGES, type BuildEvent, type BuildSummary } from '../../src/runtime/images.js';
import { createShell } from '../../src/runtime/shell.js';
import { freePort, until } from '../helpers/net.js';
import { LABEL_MANAGED } from '../../src/runtime/names.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runId = `images-${randomBytes(4).toString('hex')}`;
const testLabels = { [LABEL_MANAGED]: 'true', 'dev.dockerlab.test': runId };
const docker = createDockerClient();
const shell = createShell();
const reference = (name: string): string => LAB_IMAGES.find((image) => image.name === name)?.reference ?? name;



async function getText(url: string): Promise<{ status: number; text: string; servedBy: string | null } | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
  return { status: response.status, text: await response.text(), servedBy: response.headers.get('x-served-by') };
}

async function runContainer(name: string, image: string, containerPort: number, hostPort: number, extra: { network?: string; volume?: string } = {}) {
  const container = await docker.api.createContainer({
    name,
    Image: image,
    Labels: testLabels,
    ExposedPorts: { [`${containerPort}/tcp`]: {} },
    HostConfig: {
      PortBindings: { [`${containerPort}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }] },
      ...(extra.network ? { NetworkMode: extra.network } : {}),
      ...(extra.volume ? { Binds: [`${extra.volume}:/var/lib/docker-registry`] } : {}),
    },
  });
  await container.start();
  return container;
}

describe('lab images (real engine)', () => {
  const events: BuildEvent[] = [];
  let summary: BuildSummary;

  beforeAll(async () => {
    summary = await buildImages({ shell, docker, root, offline: true, onEvent: (event) => events.push(event) });
  }, 900_000);

  afterAll(async () => {
    await docker.removeByLabel([`dev.dockerlab.test=${runId}`]);
  }, 60_000);

  it('builds every lab image and reports each one', () => {
    expect(summary.images.map((image) => image.name)).toEqual(LAB_IMAGES.map((image) => image.name));
    expect(events.filter((event) => event.type === 'image-finished')).toHaveLength(LAB_IMAGES.length);
    const progress = events.filter((event) => event.type === 'image-progress' && event.total > 0);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('puts the lab labels on the simple-server image', async () => {
    const image = await docker.inspectImage(reference('simple-server'));
    expect(image?.labels).toMatchObject({ 'dev.dockerlab.managed': 'true', 'dev.dockerlab.role': 'server', 'dev.dockerlab.image': 'simple-server' });
  });

  it('runs a simple-server that answers, names its container, logs and stops promptly', async () => {
    const network = `dltest-${runId}`;
    await docker.api.createNetwork({ Name: network, Labels: testLabels });
    const name = `dltest_${runId}_server_1`;
    const port = await freePort();
    const container = await runContainer(name, reference('simple-server'), 8080, port, { network });

    // Wait for the server's own word first: a request sent to the published port before anything
    // listens behind it is closed by docker-proxy, and Node's fetch can then hang until its timeout.
    await until('the start line', async () => ((await docker.logs(name)).includes(`simple-server ${name} serving on 8080`) ? true : undefined));
    const health = await until('/health', () => getText(`http://127.0.0.1:${port}/health`));
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toEqual({ status: 'ok', server: name, version: '1' });
    const page = await getText(`http://127.0.0.1:${port}/example1.html`);
    expect(page?.text).toContain("It's working!");
    expect(page?.text).toContain(`Served by ${name}`);
    expect(page?.servedBy).toBe(name);
    expect((await getText(`http://127.0.0.1:${port}/missing`))?.status).toBe(404);

    const stopping = Date.now();
    await container.stop({ t: 10 });
    expect(Date.now() - stopping).toBeLessThan(2_000);
  }, 60_000);

  it('runs a registry that accepts a push and stops promptly', async () => {
    const volume = `dltest-${runId}-registry`;
    await docker.api.createVolume({ Name: volume, Labels: testLabels });
    const port = await freePort();
    const name = `dltest_${runId}_registry`;
    const container = await runContainer(name, reference('registry'), 5000, port, { volume });
    await until('the registry', async () => ((await docker.logs(name)).some((line) => line.includes('listening on')) ? true : undefined));
    expect((await getText(`http://127.0.0.1:${port}/v2/`))?.status).toBe(200);

    const repository = `dockerlab-test-${runId}`;
    const pushed = `localhost:${port}/${repository}`;
    let output = '';
    const push = await shell.run(`docker tag ${reference('simple-server')} ${pushed}; docker push ${pushed} || status=$?; docker rmi ${pushed} >/dev/null; exit \${status:-0}`, {
      cwd: root,
      onOutput: (text) => (output += text),
    });
    expect({ exitCode: push.exitCode, output }).toMatchObject({ exitCode: 0 });
    const tags = (await (await fetch(`http://127.0.0.1:${port}/v2/${repository}/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['latest']);

    const stopping = Date.now();
    await container.stop({ t: 10 });
    expect(Date.now() - stopping).toBeLessThan(2_000);
  }, 120_000);

  it('builds simple-consul from the next mirror when the first has no bullseye (as when Debian moves it to its archive)', async () => {
    const tag = `dltest-consul-${runId}`;
    let output = '';
    const build = await shell.run(
      `DOCKER_BUILDKIT=0 docker build --no-cache --label dev.dockerlab.test=${runId} -t ${tag} --build-arg BULLSEYE_MIRRORS="http://deb.debian.org/no-bullseye-here http://deb.debian.org/debian" -f dockerfiles/simple-consul/Dockerfile consul`,
      { cwd: root, onOutput: (text) => (output += text) },
    );
    try {
      expect({ exitCode: build.exitCode, tail: output.slice(-600) }).toMatchObject({ exitCode: 0 });
      expect(output).toContain('simple-consul: http://deb.debian.org/no-bullseye-here has no bullseye consul; trying the next mirror');
      const source = await shell.run(`docker run --rm --entrypoint cat ${tag} /consul/SOURCE`, { cwd: root, onOutput: (text) => (output = text) });
      expect({ exitCode: source.exitCode, source: output.trim() }).toEqual({ exitCode: 0, source: expect.stringMatching(/^consul 1\.8\.7\S* from http:\/\/deb\.debian\.org\/debian bullseye$/) });
    } finally {
      await shell.run(`docker rmi -f ${tag}`, { cwd: root });
    }
  }, 300_000);
});
