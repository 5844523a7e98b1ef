import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { judgeConsulService } from '../../src/checks/consul-service.js';
import { judgeAddedServer, type AddedServerLb } from '../../src/checks/lb-added-server.js';
import { loadLessons } from '../../src/lessons/load.js';
import { withChallenge } from '../../src/tui/view-model.js';
import { stageYaml, writeLessons } from '../helpers/lesson-fixtures.js';

const CHALLENGE_YAML = 'challenge:\n  checks:\n    - kind: container-running\n      title: the extra box runs\n      container: extra-box\n';
const GOAL = '# Run one more box\n\nRun `extra-box` yourself.\n\n## Hints\n\n- `docker run --help` lists the flags.\n';

function challengeLessons(files: { yaml?: boolean; goal?: string; solution?: boolean }): string {
  const dir = writeLessons([{ folder: '01-one', yaml: stageYaml('one', [], files.yaml === false ? '' : CHALLENGE_YAML) }]);
  if (files.goal !== undefined) writeFileSync(join(dir, '01-one', 'challenge.md'), files.goal);
  if (files.solution !== false) writeFileSync(join(dir, '01-one', 'challenge.solution.sh'), 'docker run -d --name extra-box dockerlab/python sleep 1d\n');
  return dir;
}

describe('a stage’s challenge, as the loader reads it', () => {
  it('takes the checks from stage.yaml, the goal from challenge.md, and only the path of the reference solution', () => {
    const dir = challengeLessons({ goal: GOAL });
    const stage = loadLessons(dir).stages[0]!;
    expect(stage.challenge).toEqual({ markdown: GOAL, title: 'Run one more box', checks: [expect.objectContaining({ kind: 'container-running', container: 'extra-box' })], solutionFile: join(dir, '01-one', 'challenge.solution.sh') });
    expect(JSON.stringify(stage)).not.toContain('sleep 1d');
  });

  it('refuses a challenge missing a part, naming the file', () => {
    expect(() => loadLessons(challengeLessons({}))).toThrow(/01-one\/challenge\.md: \(file\): is missing/);
    expect(() => loadLessons(challengeLessons({ goal: GOAL, solution: false }))).toThrow(/01-one\/challenge\.solution\.sh: \(file\): is missing/);
    expect(() => loadLessons(challengeLessons({ yaml: false, goal: GOAL }))).toThrow(/01-one\/stage\.yaml: challenge: is missing, and .*challenge\.md is there/);
  });

  it('refuses a goal without a title or hints, or with runnable steps: the learner writes the commands', () => {
    expect(() => loadLessons(challengeLessons({ goal: 'Run it.\n\n## Hints\n\n- one\n' }))).toThrow(/challenge\.md: \(title\): has no "# Title" line/);
    expect(() => loadLessons(challengeLessons({ goal: '# T\n\nRun it.\n' }))).toThrow(/challenge\.md: ## Hints: is missing/);
    expect(() => loadLessons(challengeLessons({ goal: `${GOAL}\n\`\`\`sh step=answer\ndocker run -d --name extra-box x\n\`\`\`\n` }))).toThrow(/challenge\.md: step: a challenge has no runnable steps/);
  });

  it('names a malformed challenge check by its field', () => {
    const dir = writeLessons([{ folder: '01-one', yaml: stageYaml('one', [], 'challenge:\n  checks: []\n') }]);
    expect(() => loadLessons(dir)).toThrow(/stage\.yaml: challenge\.checks: a challenge needs at least one check/);
  });

  it('is the last part of the lesson in the interface: goal, hints and the command that judges it, never the solution', () => {
    const stage = loadLessons(challengeLessons({ goal: GOAL })).stages[0]!;
    const shown = withChallenge(stage);
    expect(shown.startsWith(stage.markdown.trimEnd())).toBe(true);
    expect(shown).toContain('## Challenge: Run one more box');
    expect(shown).toContain('### Hints');
    expect(shown).toContain('\n```sh\nlab check one --challenge\n```');
    expect(shown).not.toContain('sleep 1d');
  });

  it('gives stages 3 to 6 of the built-in track a challenge', () => {
    const stages = loadLessons(join(process.cwd(), 'lessons')).stages;
    expect(stages.filter((stage) => stage.challenge).map((stage) => stage.id)).toEqual(['load-balancing', 'service-discovery', 'multi-host', 'orchestration']);
  });
});

describe('the lb-added-server judge (stage 3’s challenge)', () => {
  const server = { running: true, state: 'running', startedAt: '2026-12-07T10:00:10Z', address: '172.20.0.13' };
  const backends = (withNew: boolean, state: 'UP' | 'DOWN' = 'UP') => [
    { name: 'server_1', address: '172.20.0.3:8080', state: 'UP' as const },
    ...(withNew ? [{ name: 'server_11', address: '172.20.0.13:8080', state }] : []),
  ];
  const lb = (over: Partial<AddedServerLb> = {}): AddedServerLb => ({
    name: 'simple_haproxy_1',
    running: true,
    startedAt: '2026-12-07T10:00:00Z',
    backends: backends(true),
    served: [{ server: 'server_1' }, { server: 'server_11' }],
    ...over,
  });

  it('passes when a load balancer running since before the server lists it UP and it answers requests', () => {
    const judgement = judgeAddedServer('server_11', { server, lbs: [lb()] });
    expect(judgement.status).toBe('pass');
    expect(judgement.summary).toContain('1 of 2 requests answered by it, none failed');
  });

  it('fails with no server, a stopped one, or one off the network', () => {
    expect(judgeAddedServer('server_11', { lbs: [lb()] }).summary).toBe('There is no container named server_11.');
    expect(judgeAddedServer('server_11', { server: { ...server, running: false, state: 'exited' }, lbs: [lb()] }).summary).toBe('server_11 is exited.');
    const { address: _address, ...offNetwork } = server;
    expect(judgeAddedServer('server_11', { server: offNetwork, lbs: [lb()] }).summary).toContain('is not on simple-network');
  });

  it('fails when no load balancer lists it: the static list is the weakness', () => {
    const judgement = judgeAddedServer('server_11', { server, lbs: [lb({ backends: backends(false) })] });
    expect(judgement.summary).toBe('No load balancer sends requests to server_11 (172.20.0.13): simple_haproxy_1 lists only the servers it was deployed with.');
  });

  it('fails a load balancer restarted after the server started: a reload was wanted', () => {
    const judgement = judgeAddedServer('server_11', { server, lbs: [lb({ startedAt: '2026-12-07T10:00:20Z' })] });
    expect(judgement.status).toBe('fail');
    expect(judgement.summary).toContain('it was started at 10:00:20, after server_11 (10:00:10)');
    expect(judgement.hint).toContain('docker restart server_11');
  });

  it('fails when it is listed DOWN, a request failed, or none reached it', () => {
    expect(judgeAddedServer('server_11', { server, lbs: [lb({ backends: backends(true, 'DOWN') })] }).summary).toContain('finds it DOWN');
    expect(judgeAddedServer('server_11', { server, lbs: [lb({ served: [{ server: 'server_11' }, { error: 'timeout' }] })] }).summary).toContain('1 of 2 requests through simple_haproxy_1 failed (timeout)');
    expect(judgeAddedServer('server_11', { server, lbs: [lb({ served: [{ server: 'server_1' }] })] }).summary).toContain('none of 1 requests through it reached it');
  });
});

describe('the consul-service judge (stage 4’s challenge)', () => {
  const spec = { service: 'simple-haproxy', node: 'simple_haproxy_1', port: 80 };
  const entry = (checks: { id: string; status: string; output?: string }[], over: { node?: string; port?: number } = {}) => ({
    node: 'simple_haproxy_1',
    address: '172.20.0.20',
    port: 80,
    ...over,
    checks: checks.map((check) => ({ output: '', ...check })),
  });

  it('passes when the service is on the node with a check of its own passing', () => {
    const judgement = judgeConsulService(spec, { entries: [entry([{ id: 'serfHealth', status: 'passing' }, { id: 'service:simple-haproxy', status: 'passing' }])] });
    expect(judgement).toEqual({ status: 'pass', summary: 'The catalog lists simple-haproxy on simple_haproxy_1 (172.20.0.20:80), its own health check passing (service:simple-haproxy).' });
  });

  it('fails when nothing registered it, or it is on another node or port', () => {
    expect(judgeConsulService(spec, { entries: [] }).summary).toContain('The catalog has no service simple-haproxy');
    expect(judgeConsulService(spec, { entries: [entry([{ id: 'c', status: 'passing' }], { node: 'server_1' })] }).summary).toBe('simple-haproxy is registered on server_1, not on simple_haproxy_1.');
    expect(judgeConsulService(spec, { entries: [entry([{ id: 'c', status: 'passing' }], { port: 8080 })] }).summary).toContain('with port 8080');
  });

  it('fails a registration without a check of its own, and a check that does not pass', () => {
    expect(judgeConsulService(spec, { entries: [entry([{ id: 'serfHealth', status: 'passing' }])] }).summary).toContain('without a health check of its own');
    const critical = judgeConsulService(spec, { entries: [entry([{ id: 'serfHealth', status: 'passing' }, { id: 'service:simple-haproxy', status: 'critical', output: 'connection refused\nmore' }])] });
    expect(critical.summary).toBe('simple-haproxy on simple_haproxy_1 is not passing: its check service:simple-haproxy is critical (connection refused).');
  });

  it('says when no Consul server answers', () => {
    expect(judgeConsulService(spec, { entries: [], error: 'ECONNREFUSED' }).summary).toBe('No Consul server answers (ECONNREFUSED).');
  });
});
