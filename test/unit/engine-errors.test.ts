import { describe, expect, it } from '@jest/globals';
import { engineWords } from '../../src/runtime/engine-capabilities.js';
import { explainEngineError, explainSilence } from '../../src/runtime/engine-errors.js';
import type { Endpoint } from '../../src/runtime/endpoint.js';

const tcp: Endpoint = { host: 'tcp://192.0.2.7:2376', hostname: '192.0.2.7', port: 2376, source: 'DOCKER_HOST' };
const socket: Endpoint = { host: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock', source: 'default' };
const error = (message: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(message), extra);

describe('why an engine cannot be used, in one line with the fix (exit 3)', () => {
  it.each([
    ['nothing listening', tcp, error('connect ECONNREFUSED 192.0.2.7:2376', { code: 'ECONNREFUSED' }), 'Nothing answers at tcp://192.0.2.7:2376 (connection refused).'],
    ['no socket', socket, error('connect ENOENT /var/run/docker.sock', { code: 'ENOENT' }), "Can't reach Docker at unix:///var/run/docker.sock (ENOENT): there is no socket at /var/run/docker.sock."],
    ['no permission', socket, error('connect EACCES /var/run/docker.sock', { code: 'EACCES' }), "Can't reach Docker at unix:///var/run/docker.sock (EACCES): permission denied."],
    ['plain HTTP at a TLS engine', tcp, error('(HTTP code 400) unexpected - Client sent an HTTP request to an HTTPS server.', { statusCode: 400 }), 'The engine at tcp://192.0.2.7:2376 speaks TLS, and the lab was not given its certificates.'],
    ['TLS at a plain engine', tcp, error('write EPROTO 40E7:error:0A00010B:SSL routines:ssl3_get_record:wrong version number', { code: 'EPROTO' }), 'The engine at tcp://192.0.2.7:2376 speaks plain HTTP, not TLS.'],
    ['a certificate from another CA', tcp, error('unable to verify the first certificate', { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), 'The engine at tcp://192.0.2.7:2376 presents a certificate that the CA in DOCKER_CERT_PATH (ca.pem) did not sign.'],
    ['a client certificate the engine refuses', tcp, error('C0:error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca', { code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' }), "The engine at tcp://192.0.2.7:2376 refused the lab's client certificate."],
    ['ssh refusing every key', { ...tcp, host: 'ssh://me@192.0.2.7', ssh: { username: 'me' } }, error('All configured authentication methods failed', { level: 'client-authentication' }), 'ssh at ssh://me@192.0.2.7 refused every key the lab offered.'],
    ['an unknown host', tcp, error('getaddrinfo ENOTFOUND nohost', { code: 'ENOTFOUND' }), "Can't reach Docker at tcp://192.0.2.7:2376 (ENOTFOUND): no such host."],
  ])('%s', (_case, endpoint, raw, message) => {
    const explained = explainEngineError(endpoint, raw);
    expect(explained?.message).toBe(message);
    expect(explained?.exitCode).toBe(3);
    expect(explained?.next).toBeTruthy();
  });

  it('leaves errors that are not about reaching the engine alone', () => {
    expect(explainEngineError(tcp, error('(HTTP code 404) no such container - No such container: x', { statusCode: 404 }))).toBeUndefined();
  });

  it('keeps runc\'s own words from a refused --privileged', () => {
    const raw = error('(HTTP code 500) server error - failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: unable to apply caps: operation not permitted: unknown');
    expect(engineWords(raw)).toBe('unable to apply caps: operation not permitted');
  });
});

describe('a call the engine left unanswered', () => {
  const hangUp = error('socket hang up', { code: 'ECONNRESET' });

  it('is said as silence, with the time waited, once the client gave up after the limit', () => {
    expect(explainSilence(socket, hangUp, 600_000)?.message).toBe('The engine at unix:///var/run/docker.sock did not answer within 600 s: it is overloaded or hung.');
    expect(explainSilence(socket, hangUp, 1_000, 1_000)?.message).toContain('did not answer within 1 s');
  });

  it('leaves a hang-up before the limit, and other errors, to the other explanations', () => {
    expect(explainSilence(socket, hangUp, 2_000)).toBeUndefined();
    expect(explainSilence(socket, error('connect ECONNREFUSED', { code: 'ECONNREFUSED' }), 700_000)).toBeUndefined();
  });
});
