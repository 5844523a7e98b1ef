import { execFileSync } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { PORTS_SCRIPT } from '../../src/runtime/engine-probe.js';

/** The probe's port script, run with this computer's python3 as the probe runs it on an engine's host. */
const probeFree = (ports: number[]): Record<string, boolean> => JSON.parse(execFileSync('python3', ['-c', PORTS_SCRIPT, JSON.stringify(ports)], { encoding: 'utf8' }));

const listen = (): Promise<Server> =>
  new Promise((resolve) => {
    const server = createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
const portOf = (server: Server): number => (server.address() as AddressInfo).port;
const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

describe('the probe\'s port check', () => {
  it('calls a port with a listener taken', async () => {
    const server = await listen();
    try {
      expect(probeFree([portOf(server)])).toEqual({ [portOf(server)]: false });
    } finally {
      await close(server);
    }
  });

  it('calls a port free once its server is gone, though connections to it just closed (TIME_WAIT)', async () => {
    const server = await listen();
    const port = portOf(server);
    // The server closes first, so the closed connection waits on the server's side, on this port.
    await new Promise<void>((resolve) => connect(port, '127.0.0.1').on('close', () => resolve()).resume());
    await close(server);
    expect(probeFree([port])).toEqual({ [port]: true });
  });
});
