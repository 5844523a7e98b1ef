import { afterEach, describe, expect, it } from '@jest/globals';
import { defaultReportName } from '../../src/cli/commands/report.js';
import { EnvironmentError } from '../../src/errors.js';
import type { Stage } from '../../src/lessons/types.js';
import { emptyProgress } from '../../src/progress/store.js';
import { buildReport, fenced, withinLab } from '../../src/report/build-report.js';
import { collectReport } from '../../src/report/collect.js';
import { REDACTED, redact, redactDeep } from '../../src/report/redact.js';
import type { ReportData } from '../../src/report/types.js';
import type { DockerClient } from '../../src/runtime/docker.js';
import type { HttpClient } from '../../src/runtime/http.js';

const labLabels = { 'dev.dockerlab.managed': 'true', 'dev.dockerlab.role': 'server' };

function data(overrides: Partial<ReportData> = {}): ReportData {
  return {
    createdAt: '2026-01-02T10:20:30.000Z',
    stage: { id: 'single-host', number: 1, title: 'One service on one Docker host' },
    engine: { reachable: true, endpointSource: 'the default socket' },
    versions: { lab: '0.1.0', node: 'v20.19.0', os: 'Linux 6.1.0 x64', docker: { version: '27.3.1', apiVersion: '1.47', os: 'linux/amd64', storageDriver: 'overlay2' } },
    checks: [
      {
        title: 'simple-server-test runs as a daemon',
        kind: 'container-running',
        status: 'pass',
        summary: 'simple-server-test is running from localhost:5000/simple-server.',
        durationMs: 4,
        facts: { container: { id: 'a1b2c3', name: 'simple-server-test', image: 'localhost:5000/simple-server', state: 'running', labels: labLabels } },
      },
      {
        title: 'its log says it serves on 8080',
        kind: 'container-log',
        status: 'fail',
        summary: 'No log line matches /serving on 8080/.',
        hint: '`docker logs simple-server-test` shows what it printed.',
        durationMs: 7,
        facts: { lines: ['starting', 'db password=hunter2 loaded'] },
      },
    ],
    containers: [
      { name: 'simple-server-test', id: 'a1b2c3d4e5f6', image: 'localhost:5000/simple-server', state: 'running', labels: labLabels, ports: [{ containerPort: 8080, hostIp: '127.0.0.1', hostPort: 8080 }], networks: ['bridge'] },
    ],
    networks: [{ name: 'simple-network', id: 'f00dfeed0001', driver: 'bridge', labels: { 'dev.dockerlab.managed': 'true' } }],
    volumes: [{ name: 'simple-registry-data', driver: 'local', labels: { 'dev.dockerlab.managed': 'true' } }],
    logs: [{ container: 'simple-server-test', lines: ['serving on 8080', 'GET /health 200', 'Authorization: Bearer abc.def.ghi-secret'] }],
    logTail: 50,
    progress: { version: 1, current: 'single-host', stages: { 'single-host': { status: 'failed', updatedAt: '2026-01-02T10:00:00Z', attempts: 2 } } },
    ...overrides,
  };
}

describe('redact', () => {
  it.each([
    ['password=hunter2', 'password=[REDACTED]'],
    ['DB_PASSWORD: s3cret!', 'DB_PASSWORD: [REDACTED]'],
    ['token=abc123&page=2', 'token=[REDACTED]&page=2'],
    ['{"api_key": "k-123", "user": "ann"}', '{"api_key": "[REDACTED]", "user": "ann"}'],
    ["client_secret='x y z'", "client_secret='[REDACTED]'"],
    ['Authorization: Basic dXNlcjpwYXNz', 'Authorization: [REDACTED]'],
    ['curl -H "authorization: Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"', 'curl -H "authorization: [REDACTED]'],
    ['sent Bearer abcdefghijklmnop to the API', 'sent Bearer [REDACTED] to the API'],
    ['key AKIAIOSFODNN7EXAMPLE in use', 'key [REDACTED] in use'],
    ['aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key=[REDACTED]'],
    ['secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'secret [REDACTED]'],
    ['postgres://app:pa55w0rd@db:5432/app', 'postgres://app:[REDACTED]@db:5432/app'],
    ['using ghp_0123456789abcdefghijABCDEFGHIJ', 'using [REDACTED]'],
    ['-----BEGIN RSA PRIVATE KEY-----', '[REDACTED] private key'],
  ])('hides the secret in %j', (line, expected) => {
    expect(redact(line)).toBe(expected);
  });

  it.each([
    'serving on 8080',
    '172.18.0.1 - - "GET /health HTTP/1.1" 200 -',
    'http-in webservers/server_3 0/0/0/1/1 200 171 - - ---- 1/1/0/0/0 0/0 "GET /health HTTP/1.1"',
    'passed=3 failed=0',
    'sha256:9e1bc797fd98b7873384e900ecfdc62f6dc5a0b9490622bd15b6a463bd603623',
    'commit 0123456789abcdef0123456789abcdef01234567',
  ])('leaves %j as it was', (line) => {
    expect(redact(line)).toBe(line);
  });

  it('empties a field named like a secret, whatever its value looks like', () => {
    expect(redactDeep({ labels: { DB_PASSWORD: 'plain', role: 'server' }, port: 8080 })).toEqual({ labels: { DB_PASSWORD: REDACTED, role: 'server' }, port: 8080 });
  });
});

describe('buildReport', () => {
  const envName = 'DOCKERLAB_REPORT_TEST_SECRET';
  afterEach(() => {
    delete process.env[envName];
  });

  it('names the stage and embeds the same data as a JSON block', () => {
    const { markdown, json } = buildReport(data());
    expect(markdown.split('\n')[0]).toBe('# dockerlab report: single-host (01 One service on one Docker host)');
    expect(markdown).toContain(`\`\`\`json\n${json}\n\`\`\``);
    const parsed = JSON.parse(json) as ReportData & { format: string };
    expect(parsed.format).toBe('dockerlab-report/1');
    expect(parsed.stage.id).toBe('single-host');
    expect(parsed.checks.map((c) => c.status)).toEqual(['pass', 'fail']);
  });

  it('shows each check with its status, summary, hint and facts', () => {
    const { markdown } = buildReport(data());
    expect(markdown).toContain('### 2. ✖ its log says it serves on 8080');
    expect(markdown).toContain('**fail** (container-log, 7 ms): No log line matches /serving on 8080/.');
    expect(markdown).toContain('Hint: `docker logs simple-server-test` shows what it printed.');
    expect(markdown).toContain('"name": "simple-server-test"');
  });

  it('lists the lab containers as docker ps rows, their networks, volumes and log lines', () => {
    const { markdown } = buildReport(data());
    expect(markdown).toContain('| simple-server-test | localhost:5000/simple-server | running | 127.0.0.1:8080->8080 | dev.dockerlab.managed=true, dev.dockerlab.role=server |');
    expect(markdown).toContain('| simple-network | bridge | dev.dockerlab.managed=true |');
    expect(markdown).toContain('| simple-registry-data | local | dev.dockerlab.managed=true |');
    expect(markdown).toContain('### simple-server-test\n\n```text\nserving on 8080\nGET /health 200');
  });

  it('gives versions and progress', () => {
    const { markdown } = buildReport(data());
    expect(markdown).toContain('- docker engine: 27.3.1 (API 1.47, linux/amd64, overlay2 storage)');
    expect(markdown).toContain('- node: v20.19.0');
    expect(markdown).toContain('| single-host | failed | 2 | 2026-01-02T10:00:00Z |  |  |');
  });

  it('redacts secrets in log lines and facts, in the markdown and the JSON', () => {
    const { markdown, json } = buildReport(data());
    for (const text of [markdown, json]) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('abc.def.ghi-secret');
      expect(text).toContain('password=[REDACTED]');
      expect(text).toContain('Authorization: [REDACTED]');
    }
  });

  it('holds no environment variable, even one set while it is built', () => {
    process.env[envName] = 'value-of-a-fake-env-var-4821';
    const { markdown, json } = buildReport(data());
    expect(markdown).not.toContain('value-of-a-fake-env-var-4821');
    expect(json).not.toContain('value-of-a-fake-env-var-4821');
    expect(markdown).not.toContain(envName);
  });

  it('leaves out what a check saw of a container without the lab label', () => {
    const mine = { id: 'ffff', name: 'simple-server-test', image: 'my/own-image', state: 'running', labels: { owner: 'ann' } };
    const { json } = buildReport(data({ checks: [{ ...data().checks[0]!, facts: { container: mine } }] }));
    expect(json).not.toContain('my/own-image');
    expect(json).not.toContain('ann');
    expect(json).toContain('outsideLab');
  });

  it('keeps what a check saw of the lab containers', () => {
    const facts = { container: { id: 'a1', image: 'localhost:5000/simple-server', labels: labLabels } };
    expect(withinLab(facts)).toEqual(facts);
  });

  it('says when the engine could not be reached, and still gives versions and progress', () => {
    const { markdown } = buildReport(
      data({
        engine: { reachable: false, endpointSource: 'the DOCKER_HOST setting', problem: 'The Docker engine could not be reached (ECONNREFUSED).' },
        versions: { lab: '0.1.0', node: 'v20.19.0', os: 'Linux' },
        checks: [],
        checksSkipped: 'the Docker engine could not be reached.',
        containers: [],
        networks: [],
        volumes: [],
        logs: [],
      }),
    );
    expect(markdown).toContain('> **Warning:** The Docker engine could not be reached (ECONNREFUSED).');
    expect(markdown).toContain('Not re-run: the Docker engine could not be reached.');
    expect(markdown).toContain('- docker engine: unknown (not reached)');
    expect(markdown).toContain('| single-host | failed |');
  });

  it('keeps a log line with backticks inside its block', () => {
    expect(fenced('a ``` b', 'text')).toBe('````text\na ``` b\n````');
  });

  it('names the default file after the stage and the time, without colons', () => {
    expect(defaultReportName('single-host', new Date('2026-01-02T10:20:30.123Z'))).toBe('dockerlab-report-single-host-2026-01-02T10-20-30Z.md');
  });
});

describe('collectReport', () => {
  const stage = { id: 'single-host', number: 1, title: 'One service', checks: [{ kind: 'container-running', title: 'runs', container: 'simple-server-test' }] } as unknown as Stage;
  const http: HttpClient = { request: async () => ({ ok: false, error: 'unused' }), sequence: async () => [] };

  it('without an engine, still gives progress and versions, and re-runs no check', async () => {
    const unreachable = new EnvironmentError("Can't reach Docker at tcp://10.9.8.7:2375 (ECONNREFUSED).");
    const docker = { endpoint: { host: 'tcp://10.9.8.7:2375', source: 'DOCKER_HOST' }, version: async () => Promise.reject(unreachable) } as unknown as DockerClient;
    const progress = { ...emptyProgress(), current: 'single-host' };
    const report = await collectReport(stage, { docker, http, progress: { progress } });
    expect(report.engine).toEqual({ reachable: false, endpointSource: 'the DOCKER_HOST setting', problem: expect.stringContaining('could not be reached (ECONNREFUSED)') });
    expect(report.checks).toEqual([]);
    expect(report.progress.current).toBe('single-host');
    expect(report.versions.node).toBe(process.version);
    expect(JSON.stringify(report)).not.toContain('10.9.8.7');
  });

  it('keeps the facts each check judged, and lists only containers carrying the lab label', async () => {
    const lab = { id: 'a1b2c3d4e5f6a7b8', name: 'simple-server-test', image: 'localhost:5000/simple-server', imageId: 'sha256:1', running: true, state: 'running', exitCode: 0, labels: labLabels, ports: [], networks: { bridge: '172.17.0.2' } };
    const stray = { ...lab, id: 'ffffffffffff', name: 'not-ours', labels: {} };
    const docker = {
      endpoint: { host: 'unix:///var/run/docker.sock', source: 'default' },
      version: async () => ({ version: '27.3.1', apiVersion: '1.47', os: 'linux/amd64' }),
      inspectContainer: async () => lab,
      listContainers: async () => [lab, stray],
      logs: async (id: string) => (id === lab.id ? ['serving on 8080'] : ['from a stranger']),
      listNetworks: async () => [],
      listVolumes: async () => [],
    } as unknown as DockerClient;
    const report = await collectReport(stage, { docker, http, progress: { progress: emptyProgress() } });
    expect(report.checks[0]).toMatchObject({ status: 'pass', facts: { container: { name: 'simple-server-test' } } });
    expect(report.containers.map((c) => c.name)).toEqual(['simple-server-test']);
    expect(report.logs).toEqual([{ container: 'simple-server-test', lines: ['serving on 8080'] }]);
  });
});
