import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ClassEvent } from '../../src/class/event.js';
import { createRateLimiter } from '../../src/class/rate-limit.js';
import { isLoopbackAddress, startClassServer, type ClassServer } from '../../src/class/server.js';
import { openClassStore, type ClassStore } from '../../src/class/store.js';

/** The class server in this process, on an ephemeral loopback port, with a small rate limit. */
describe('the class server', () => {
  let store: ClassStore;
  let server: ClassServer;
  let base: string;
  const post = (path: string, body: unknown, key?: string) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const event = (learner: string, seq: number): ClassEvent => ({ learner, seq, stage: 'single-host', challenge: false, passed: true, checks: [], at: '2026-12-07T21:00:00.000Z' });
  const join_ = async (name: string) => (await (await post('/api/join', { code: store.secrets().code, name })).json()) as { learner: string; key: string };

  beforeAll(async () => {
    store = openClassStore(mkdtempSync(join(tmpdir(), 'lab-class-server-')));
    server = await startClassServer({ store, stages: [{ id: 'single-host', title: 'One host' }], boardDir: join(process.cwd(), 'src', 'class', 'board'), port: 0, host: '127.0.0.1', limiter: createRateLimiter({ rate: 1, burst: 3 }) });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    store.close();
  });

  it('answers a join with a learner id and a key, and never with the instructor token', async () => {
    const response = await post('/api/join', { code: store.secrets().code.toLowerCase(), name: 'ada' });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toEqual({ learner: expect.stringMatching(/^l-[0-9a-f]{10}$/), key: expect.any(String) });
    expect(text).not.toContain(store.secrets().token);
  });

  it('refuses a wrong class code with 401', async () => {
    expect((await post('/api/join', { code: 'NOPE42', name: 'eve' })).status).toBe(401);
  });

  it('acknowledges events up to the highest sequence number it was sent', async () => {
    const { learner, key } = await join_('bob');
    const response = await post('/api/events', { events: [event(learner, 1), event(learner, 2)] }, key);
    expect(await response.json()).toEqual({ accepted: 2, ack: 2 });
  });

  it('limits each learner to the rate, with 429 and Retry-After, storing nothing over it', async () => {
    const { learner, key } = await join_('cy');
    expect((await post('/api/events', { events: [event(learner, 1), event(learner, 2), event(learner, 3)] }, key)).status).toBe(200);
    const limited = await post('/api/events', { events: [event(learner, 4)] }, key);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(store.eventsOf(learner).map((e) => e.seq)).toEqual([1, 2, 3]);
    // Another learner is not held back by this one.
    const other = await join_('di');
    expect((await post('/api/events', { events: [event(other.learner, 1)] }, other.key)).status).toBe(200);
  });

  it('refuses a body over 64 KiB with 400 before parsing it', async () => {
    const { key } = await join_('ed');
    const response = await post('/api/events', `{"events": "${'x'.repeat(70 * 1024)}"}`, key);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('over 65536 bytes');
  });

  it('serves the board and its data to the instructor token only', async () => {
    const { token } = store.secrets();
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/api/board`)).status).toBe(401);
    expect((await fetch(`${base}/api/board?token=${token}x`)).status).toBe(401);
    const page = await fetch(`${base}/?token=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/board.js"></script>');
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${base}/api/board`, { headers: { cookie } })).status).toBe(200);
  });

  it('streams the board to an open page when an event arrives (server-sent events)', async () => {
    const { learner, key } = await join_('fay');
    const controller = new AbortController();
    const response = await fetch(`${base}/api/stream?token=${store.secrets().token}`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    const readUntil = async (wanted: string) => {
      while (!text.includes(wanted)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil('event: board');
    await post('/api/events', { events: [event(learner, 1)] }, key);
    await readUntil(`"changed":["${learner}:1"]`);
    controller.abort();
    expect(text).toContain('"state":"passed"');
  });

  it("answers the instructor's endpoints on this machine's loopback only", () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.0.1.1'].map(isLoopbackAddress)).toEqual([true, true, true, true]);
    expect(['192.168.1.20', '::ffff:10.0.0.7', 'fe80::1', undefined].map(isLoopbackAddress)).toEqual([false, false, false, false]);
  });
});
