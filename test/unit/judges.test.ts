import { describe, expect, it } from '@jest/globals';
import { containerLog } from '../../src/checks/container-log.js';
import { containerRunning } from '../../src/checks/container-running.js';
import { httpEndpoint } from '../../src/checks/http-endpoint.js';
import { registryImage } from '../../src/checks/registry-image.js';
import type { ContainerFacts } from '../../src/runtime/docker.js';

/** Facts as recorded from a real engine running stage 1, then varied one way at a time. */
const container = (over: Partial<ContainerFacts> = {}): ContainerFacts => ({
  id: 'c0ffee',
  name: 'simple-server-test',
  image: 'localhost:5000/simple-server',
  imageId: 'sha256:abc',
  running: true,
  state: 'running',
  exitCode: 0,
  labels: { 'dev.dockerlab.managed': 'true', 'dev.dockerlab.role': 'server' },
  ports: [{ containerPort: 8080, hostIp: '127.0.0.1', hostPort: 8080 }],
  networks: { bridge: '172.17.0.2' },
  ...over,
});

describe('the registry-image judge', () => {
  const spec = { kind: 'registry-image' as const, title: 't', repository: 'simple-server', tag: 'latest', registry: 'localhost:5000' };
  const digest = 'sha256:1111111111111111111111111111111111111111111111111111111111111111';
  const local = { labels: { 'dev.dockerlab.managed': 'true' }, repoDigests: [`localhost:5000/simple-server@${digest}`] };
  const reference = 'localhost:5000/simple-server:latest';

  it('passes when the local build is the one in the registry', () => {
    expect(registryImage.judge(spec, { reference, local, remote: { state: 'present', digest } }).status).toBe('pass');
  });

  it('fails with the build command when the image is not built', () => {
    const result = registryImage.judge(spec, { reference, remote: { state: 'missing' } });
    expect(result).toMatchObject({ status: 'fail' });
    expect(result.hint).toContain('docker build -t localhost:5000/simple-server');
  });

  it('fails with the push command when the registry lacks the tag', () => {
    const result = registryImage.judge(spec, { reference, local: { ...local, repoDigests: [] }, remote: { state: 'missing' } });
    expect(result.summary).toContain('has no simple-server:latest');
    expect(result.hint).toContain('docker push localhost:5000/simple-server:latest');
  });

  it('fails when the registry holds another build than the local one', () => {
    const result = registryImage.judge(spec, { reference, local, remote: { state: 'present', digest: 'sha256:2222' } });
    expect(result.summary).toContain('different build');
  });

  it('fails naming the registry container when the registry does not answer', () => {
    const result = registryImage.judge(spec, { reference, local, remote: { state: 'unreachable', error: 'ECONNREFUSED' } });
    expect(result.summary).toContain('ECONNREFUSED');
    expect(result.hint).toContain('docker logs simple-registry');
  });

  it('fails an image built without the lab labels', () => {
    const result = registryImage.judge(spec, { reference, local: { ...local, labels: {} }, remote: { state: 'present', digest } });
    expect(result.summary).toContain('no dev.dockerlab.managed label');
  });
});

describe('the container-running judge', () => {
  const spec = { kind: 'container-running' as const, title: 't', container: 'simple-server-test', image: 'localhost:5000/simple-server' };

  it('passes a running container of the right image, tag or no tag', () => {
    expect(containerRunning.judge(spec, { container: container({ image: 'localhost:5000/simple-server:latest' }) }).status).toBe('pass');
  });

  it('fails a missing container', () => {
    expect(containerRunning.judge(spec, {})).toMatchObject({ status: 'fail', summary: 'There is no container named simple-server-test.' });
  });

  it('fails a stopped container and points at its log', () => {
    const result = containerRunning.judge(spec, { container: container({ running: false, state: 'exited', exitCode: 137 }) });
    expect(result.summary).toContain('exited (exit code 137)');
    expect(result.hint).toContain('docker logs simple-server-test');
  });

  it('fails a container of another image', () => {
    expect(containerRunning.judge(spec, { container: container({ image: 'nginx' }) }).summary).toContain('runs the image nginx');
  });
});

describe('the container-log judge', () => {
  const spec = { kind: 'container-log' as const, title: 't', container: 'simple-server-test', pattern: 'serving on 8080' };

  it('passes when a line matches and quotes it', () => {
    const result = containerLog.judge(spec, { exists: true, running: true, lines: ['simple-server simple-server-test serving on 8080'] });
    expect(result).toMatchObject({ status: 'pass' });
    expect(result.summary).toContain('serving on 8080');
  });

  it('fails quoting the last line when none matches', () => {
    const result = containerLog.judge(spec, { exists: true, running: true, lines: ['Traceback (most recent call last):', 'OSError: [Errno 98] Address in use'] });
    expect(result.summary).toContain('Address in use');
    expect(result.hint).toContain('docker logs simple-server-test');
  });

  it('is worth another look only while a running container has printed nothing', () => {
    expect(containerLog.settling!({ exists: true, running: true, lines: [] })).toBe(true);
    expect(containerLog.settling!({ exists: true, running: false, lines: [] })).toBe(false);
  });
});

describe('the http judge', () => {
  const spec = { kind: 'http' as const, title: 't', container: 'simple-server-test', port: 8080, path: '/example1.html', status: 200, contains: "It's working!" };
  const binding = { containerPort: 8080, hostIp: '127.0.0.1', hostPort: 8080 };
  const answer = (status: number, body: string) => ({ ok: true as const, status, body, headers: {} });

  it('passes a page that says what it should', () => {
    expect(httpEndpoint.judge(spec, { exists: true, running: true, binding, outcome: answer(200, "<h1>It's working!</h1>") }).status).toBe('pass');
  });

  it('fails an unpublished port with the -p flag to use', () => {
    const result = httpEndpoint.judge(spec, { exists: true, running: true });
    expect(result.hint).toContain('-p 127.0.0.1:8080:8080');
  });

  it('fails a wrong status', () => {
    expect(httpEndpoint.judge(spec, { exists: true, running: true, binding, outcome: answer(404, '') }).summary).toContain('answered 404');
  });

  it('fails a page without the expected text', () => {
    expect(httpEndpoint.judge(spec, { exists: true, running: true, binding, outcome: answer(200, 'hello') }).summary).toContain("without \"It's working!\"");
  });

  it('fails a refused connection, and keeps looking a moment', () => {
    const facts = { exists: true, running: true, binding, outcome: { ok: false as const, error: 'ECONNREFUSED' } };
    expect(httpEndpoint.judge(spec, facts).summary).toContain('ECONNREFUSED');
    expect(httpEndpoint.settling!(facts)).toBe(true);
  });

  it('warns when the port is published on every interface', () => {
    const result = httpEndpoint.judge(spec, { exists: true, running: true, binding: { ...binding, hostIp: '0.0.0.0' }, outcome: answer(200, "It's working!") });
    expect(result.status).toBe('warn');
  });
});
