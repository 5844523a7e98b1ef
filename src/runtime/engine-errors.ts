import { EnvironmentError } from '../errors.js';
import type { Endpoint } from './endpoint.js';

/**
 * How long an engine may stay silent on one call before the lab gives up on it. A busy engine can take
 * minutes to start a container behind others (on CI's emulated VM a deploy's call outlasted the two
 * minutes it once had); the docker CLI waits for ever. Ten minutes tells a hung engine from a slow one.
 */
export const ENGINE_SILENCE_MS = 600_000;

/** A call the client gave up on after `ENGINE_SILENCE_MS` of silence: it ends as a hang-up, and is said as what it was. */
export function explainSilence(endpoint: Endpoint, error: unknown, elapsedMs: number, limitMs = ENGINE_SILENCE_MS): EnvironmentError | undefined {
  const { code, message } = described(error);
  if (elapsedMs < limitMs || !(code === 'ECONNRESET' || /socket hang up/i.test(message))) return undefined;
  return new EnvironmentError(
    `The engine at ${endpoint.host} did not answer within ${Math.round(limitMs / 1000)} s: it is overloaded or hung.`,
    '`docker info` shows whether it answers at all; on a small machine, stop what else runs there (`lab reset --all` removes the lab\'s containers), then try again.',
  );
}

/**
 * Why the engine cannot be used, in one line, with the fix: every way an endpoint fails (nothing
 * listening, a socket that is not there, TLS without certificates or with the wrong CA, plain HTTP
 * against TLS or the other way round, ssh without a key). Pure: from the endpoint and the error the
 * client library raised, and how long the call had waited (a call the client gave up on is said as
 * silence, not as a hang-up). Undefined for errors that are not about reaching the engine.
 */
export function explainEngineError(endpoint: Endpoint, error: unknown, elapsedMs = 0): EnvironmentError | undefined {
  const silence = explainSilence(endpoint, error, elapsedMs);
  if (silence) return silence;
  const { code, message } = described(error);
  const at = endpoint.host;
  const start = 'Start Docker (or set DOCKER_HOST to a running engine), then run `lab doctor`.';
  const certificates = endpoint.ssh ? '' : ' (for a lab machine: `eval $(lab machine env NAME)` sets all three)';
  const level = String((error as { level?: unknown } | undefined)?.level ?? '');

  if (level === 'client-authentication' || /All configured authentication methods failed/.test(message)) {
    return new EnvironmentError(`ssh at ${at} refused every key the lab offered.`, 'Check that `ssh` to that host works without a password (ssh-add your key, or ssh-copy-id it there), then run `lab doctor`.');
  }
  if (/Client sent an HTTP request to an HTTPS server/.test(message)) {
    return new EnvironmentError(`The engine at ${at} speaks TLS, and the lab was not given its certificates.`, `Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder holding its ca.pem, cert.pem and key.pem${certificates}.`);
  }
  if (/wrong version number|packet length too long/i.test(message) || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return new EnvironmentError(`The engine at ${at} speaks plain HTTP, not TLS.`, 'Unset DOCKER_TLS_VERIFY (or give the engine\'s TLS port), then run `lab doctor`.');
  }
  if (/certificate required|alert number 116|sslv3 alert handshake failure|bad certificate|unknown ca/i.test(message)) {
    return new EnvironmentError(`The engine at ${at} refused the lab's client certificate.`, `Point DOCKER_CERT_PATH at the certificates this engine's CA signed${certificates}.`);
  }
  if (['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_SIGNATURE_FAILURE'].includes(code)) {
    return new EnvironmentError(`The engine at ${at} presents a certificate that the CA in DOCKER_CERT_PATH (ca.pem) did not sign.`, `Point DOCKER_CERT_PATH at this engine's own certificates${certificates}.`);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new EnvironmentError(`The engine's certificate does not name ${endpoint.hostname ?? at}.`, 'Address the engine by a name or address its certificate was made for, then run `lab doctor`.');
  }
  if (code === 'CERT_HAS_EXPIRED') return new EnvironmentError(`The engine at ${at} presents an expired certificate.`, 'Make the engine new certificates, then run `lab doctor`.');
  if (code === 'ECONNREFUSED') return new EnvironmentError(`Nothing answers at ${at} (connection refused).`, start);
  if (code === 'ENOENT' && endpoint.socketPath) return new EnvironmentError(`Can't reach Docker at ${at} (ENOENT): there is no socket at ${endpoint.socketPath}.`, start);
  if (code === 'EACCES') return new EnvironmentError(`Can't reach Docker at ${at} (EACCES): permission denied.`, 'Join the docker group (`sudo usermod -aG docker $USER`, then log in again), or run the lab as a user who may use the engine.');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new EnvironmentError(`Can't reach Docker at ${at} (${code}): no such host.`, 'Check the host name in DOCKER_HOST (or the docker context), then run `lab doctor`.');
  if (['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE'].includes(code) || /timed out|socket hang up/i.test(message)) {
    return new EnvironmentError(`Can't reach Docker at ${at}${code ? ` (${code})` : ''}: it does not answer.`, 'Check that the engine runs there and the network lets you reach it, then run `lab doctor`.');
  }
  return undefined;
}

/** An error's code (ECONNRESET, …) and message, whatever the client library threw. */
function described(error: unknown): { code: string; message: string } {
  return { code: String((error as { code?: unknown } | undefined)?.code ?? ''), message: error instanceof Error ? error.message : String(error) };
}
