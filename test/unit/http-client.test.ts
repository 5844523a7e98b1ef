import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpClient } from '../../src/runtime/http.js';

// A server of the test's own on a 127.0.0.1 port: the paths answer, stay silent, or say who asked how.
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/silent') return;
    response.setHeader('x-served-by', 'server_1');
    response.end(request.method === 'HEAD' ? undefined : `${request.method} ${request.url} ${request.headers['x-try'] ?? ''}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('requests from this computer', () => {
  const http = createHttpClient();

  it('returns the status, body and headers, sending the headers given', async () => {
    const outcome = await http.request(`${base}/example1.html`, { headers: { 'x-try': '2' } });
    expect(outcome).toMatchObject({ ok: true, status: 200, body: 'GET /example1.html 2', headers: { 'x-served-by': 'server_1', connection: 'close' } });
  });

  it('makes HEAD requests, with no body', async () => {
    expect(await http.request(`${base}/health`, { method: 'HEAD' })).toMatchObject({ ok: true, status: 200, body: '' });
  });

  it('names a refused connection as Node does, and gives up on a silent server at its timeout', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await http.request(`http://127.0.0.1:${port}/`)).toEqual({ ok: false, error: 'ECONNREFUSED' });
    const started = Date.now();
    expect(await http.request(`${base}/silent`, { timeoutMs: 200 })).toEqual({ ok: false, error: 'no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('asks in order for a sequence', async () => {
    const outcomes = await http.sequence([`${base}/a`, `${base}/b`]);
    expect(outcomes.map((o) => (o.ok ? o.body : o.error))).toEqual(['GET /a ', 'GET /b ']);
  });
});
