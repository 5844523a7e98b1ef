import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BoardView } from '../../src/class/server.js';
import type { StoredEvent } from '../../src/class/store.js';
import { instructorGet, pingOnlyEngine, quizLessons, serveClass, type Serving } from '../helpers/class-server.js';
import { freePort, until } from '../helpers/net.js';
import { freshStateDir, runLab } from '../helpers/run-lab.js';

/**
 * The classroom on loopback, with no Docker: a class server and learners with state dirs of their
 * own, whose check runs are quiz stages (a fake engine answers the lab's ping, and nothing else).
 */
describe('lab class on loopback', () => {
  const lessons = quizLessons();
  const dataDir = mkdtempSync(join(tmpdir(), 'lab-class-data-'));
  let engine: Awaited<ReturnType<typeof pingOnlyEngine>>;
  let serving: Serving;
  const learners = { alice: freshStateDir(), bob: freshStateDir(), carol: freshStateDir() };
  const env = (state: string) => ({ LAB_STATE_DIR: state, LAB_LESSONS_DIR: lessons, DOCKER_HOST: engine.host });
  const lab = (who: keyof typeof learners, ...args: string[]) => runLab(args, env(learners[who]), 30_000);
  const learnerId = (who: keyof typeof learners) => (JSON.parse(readFileSync(join(learners[who], 'class.json'), 'utf8')) as { learner: string }).learner;
  const board = () => instructorGet<BoardView>(serving, '/api/board');
  const eventsOf = async (who: keyof typeof learners) => (await instructorGet<{ events: StoredEvent[] }>(serving, `/api/events?learner=${learnerId(who)}`)).events;
  const cell = async (who: keyof typeof learners, stage: string) => (await board()).learners.find((l) => l.id === learnerId(who))?.cells[stage];

  beforeAll(async () => {
    engine = await pingOnlyEngine();
    serving = await serveClass(['--port', '0', '--data', dataDir], { LAB_LESSONS_DIR: lessons });
  });

  afterAll(async () => {
    await serving?.stop();
    await engine?.close();
  });

  it('prints the join line, says it serves this machine only, and keeps the token readable by its owner only', () => {
    expect(serving.output()).toContain(`lab class join ${serving.url} ${serving.code}`);
    expect(serving.output()).toContain('--host 0.0.0.0');
    expect(readFileSync(join(dataDir, 'instructor-token'), 'utf8').trim()).toBe(serving.token);
    expect(statSync(join(dataDir, 'instructor-token')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'class.sqlite'))).toBe(true);
  });

  it('lets two learners join, each under the name they gave', async () => {
    for (const who of ['alice', 'bob'] as const) {
      const run = await lab(who, 'class', 'join', serving.url, serving.code, '--name', who);
      expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringContaining(`Joined the class at ${serving.url} as ${who}`) });
    }
    expect((await board()).learners.map((l) => l.name)).toEqual(['alice', 'bob']);
  });

  it("shows a learner's solved stage on the board within a second of the check run", async () => {
    expect((await lab('alice', 'quiz', 'concepts', '--answer', 'pick=b')).code).toBe(0);
    const run = await lab('alice', 'check', 'concepts');
    expect(run.code).toBe(0);
    const checked = Date.now();
    await until('alice passed on the board', async () => ((await cell('alice', 'concepts'))?.state === 'passed' ? true : undefined), 1_000);
    expect(Date.now() - checked).toBeLessThan(1_000);
  });

  it("shows a failing stage with its failing check's title and the hint shown", async () => {
    expect((await lab('bob', 'check', 'concepts')).code).toBe(1);
    const failed = await until('bob failing on the board', async () => cell('bob', 'concepts'), 1_000);
    expect(failed).toMatchObject({ state: 'failed', failing: 'the concepts quiz is answered right', fails: 1, hintsUsed: 1 });
  });

  it('sends the stage, checks, hints and time, and nothing else', async () => {
    const [event] = await eventsOf('alice');
    expect(Object.keys(event!).sort()).toEqual(['at', 'challenge', 'checks', 'learner', 'passed', 'receivedAt', 'seq', 'stage']);
    expect(event!.checks).toEqual([{ status: 'pass', title: 'the concepts quiz is answered right', hinted: false }]);
  });

  it('loses no event when the server is killed and restarted mid-class', async () => {
    await serving.kill();
    // Checks go on while the server is down: each exits as usual, and its event waits on disk.
    for (let i = 0; i < 2; i += 1) expect((await lab('bob', 'check', 'concepts')).code).toBe(1);
    expect((await lab('bob', 'quiz', 'concepts', '--answer', 'pick=b')).code).toBe(0);
    expect((await lab('bob', 'check', 'concepts')).code).toBe(0);
    expect(readdirSync(join(learners.bob, 'class-queue')).filter((name) => name.endsWith('.json'))).toHaveLength(3);
    serving = await serveClass(['--port', String(serving.port), '--data', dataDir], { LAB_LESSONS_DIR: lessons });
    // The next lab command sends the queue.
    expect((await lab('bob', 'class', 'status')).code).toBe(0);
    const events = await until('bob has 4 events on the server', async () => ((await eventsOf('bob')).length === 4 ? eventsOf('bob') : undefined), 5_000);
    expect(events.map((e) => [e.seq, e.passed])).toEqual([[1, false], [2, false], [3, false], [4, true]]);
    expect((await cell('bob', 'concepts'))?.state).toBe('passed');
    // What was written before the kill is there too.
    expect((await eventsOf('alice')).map((e) => e.seq)).toEqual([1]);
  });

  it('delivers an offline learner\'s queue in order when the network is back', async () => {
    expect((await lab('carol', 'class', 'join', serving.url, serving.code, '--name', 'carol')).code).toBe(0);
    const membership = join(learners.carol, 'class.json');
    const joined = readFileSync(membership, 'utf8');
    // The Wi-Fi drops: the class's address stops answering.
    writeFileSync(membership, joined.replace(serving.url, `http://127.0.0.1:${await freePort()}`));
    expect((await lab('carol', 'check', 'concepts')).code).toBe(1);
    expect((await lab('carol', 'quiz', 'concepts', '--answer', 'pick=b')).code).toBe(0);
    expect((await lab('carol', 'check', 'concepts')).code).toBe(0);
    expect((await lab('carol', 'check', 'more')).code).toBe(1);
    expect((await eventsOf('carol'))).toEqual([]);
    writeFileSync(membership, joined);
    const status = await lab('carol', 'class', 'status');
    expect(status.output).toContain('every check run is delivered');
    const events = await eventsOf('carol');
    expect(events.map((e) => [e.seq, e.stage, e.passed])).toEqual([[1, 'concepts', false], [2, 'concepts', true], [3, 'more', false]]);
    const received = events.map((e) => e.receivedAt);
    expect([...received].sort()).toEqual(received);
    expect(readdirSync(join(learners.carol, 'class-queue')).filter((name) => name.endsWith('.json'))).toEqual([]);
  });

  it('puts a raised hand on top of the board, with its message', async () => {
    const run = await lab('carol', 'class', 'hand', 'stuck on the quiz');
    expect(run.code).toBe(0);
    const first = (await board()).learners[0]!;
    expect({ name: first.name, message: first.hand?.message }).toEqual({ name: 'carol', message: 'stuck on the quiz' });
    expect((await lab('carol', 'class', 'hand', '--down')).code).toBe(0);
    expect((await board()).learners[0]!.name).toBe('alice');
  });

  it('refuses a wrong class code with exit 2 and the line to check', async () => {
    const run = await runLab(['class', 'join', serving.url, 'WRONG1', '--name', 'mallory'], { LAB_STATE_DIR: freshStateDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`the class code was not accepted by ${serving.url}: check the line the instructor printed`);
    expect(run.output).not.toMatch(/\n\s+at /);
    expect((await board()).counters.wrongCode).toBe(1);
  });

  it('refuses an event written as another learner, and keeps nothing of it', async () => {
    const alice = JSON.parse(readFileSync(join(learners.alice, 'class.json'), 'utf8')) as { key: string };
    const before = await eventsOf('bob');
    const forged = { learner: learnerId('bob'), seq: 99, stage: 'concepts', challenge: false, passed: true, checks: [], at: new Date().toISOString() };
    const response = await fetch(`${serving.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: [forged] }) });
    expect(response.status).toBe(403);
    const unknownKey = await fetch(`${serving.url}/api/events`, { method: 'POST', headers: { authorization: 'Bearer not-a-key' }, body: JSON.stringify({ events: [forged] }) });
    expect(unknownKey.status).toBe(401);
    expect(await eventsOf('bob')).toEqual(before);
    expect((await board()).counters.forged).toBe(1);
  });

  it('refuses malformed and oversized events with 400, counts them, and stores none', async () => {
    const alice = JSON.parse(readFileSync(join(learners.alice, 'class.json'), 'utf8')) as { key: string };
    const post = (body: string) => fetch(`${serving.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${alice.key}` }, body });
    const before = (await board()).counters.rejected ?? 0;
    const event = { learner: learnerId('alice'), seq: 50, stage: 'concepts', challenge: false, passed: true, checks: [], at: new Date().toISOString() };
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify({ events: [{ ...event, env: { HOME: '/root' } }] }))).status).toBe(400);
    expect((await post(JSON.stringify({ events: [{ ...event, checks: [{ status: 'pass', title: 'x'.repeat(70_000), hinted: false }] }] }))).status).toBe(400);
    expect((await board()).counters.rejected).toBe(before + 3);
    expect((await eventsOf('alice')).map((e) => e.seq)).toEqual([1]);
  });

  it('says when the class server cannot be reached at join, with exit 2', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await runLab(['class', 'join', url, 'ABCDEF'], { LAB_STATE_DIR: freshStateDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Can't reach the class server at ${url}`);
    expect(run.output).not.toMatch(/\n\s+at /);
  });

  it('refuses a URL that is not a class URL, with exit 2', async () => {
    const run = await runLab(['class', 'join', 'classroom:8900', 'ABCDEF'], { LAB_STATE_DIR: freshStateDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a class URL');
  });

  it('names the port when it is taken', async () => {
    const run = await runLab(['class', 'serve', '--port', String(serving.port), '--data', mkdtempSync(join(tmpdir(), 'lab-class-data-'))], { LAB_STATE_DIR: freshStateDir() });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Port ${serving.port} is taken`);
  });

  it('prints the board in the terminal, and says so plainly when no server answers', async () => {
    const status = await runLab(['class', 'status', '--data', dataDir], {});
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^alice +✔/m);
    expect(status.stdout).toContain('1 concepts · 2 more');
    const json = JSON.parse((await runLab(['class', 'status', '--json', '--data', dataDir], {})).stdout) as BoardView;
    expect(json.learners.map((l) => l.name)).toEqual(['alice', 'bob', 'carol']);
    const none = await runLab(['class', 'status'], { LAB_STATE_DIR: freshStateDir() });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No class here');
  });

  it('stops sending after lab class leave', async () => {
    expect((await lab('alice', 'class', 'leave')).code).toBe(0);
    expect((await lab('alice', 'check', 'concepts')).code).toBe(0);
    expect(existsSync(join(learners.alice, 'class-queue'))).toBe(false);
  });
});
