import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import { stateDir } from '../progress/store.js';
import type { DockerClient } from '../runtime/docker.js';
import { machineContainer } from '../runtime/names.js';

/**
 * Each lab machine's engine speaks TLS and wants a client certificate, as docker-machine's do. The
 * machine makes its CA and certificates itself (dockerfiles/host/start-engine.sh, on its volume);
 * the lab reads the client's from it through the engine the machines live on — whoever can do that
 * is root on this computer already — and writes them where DOCKER_CERT_PATH points.
 */
export const MACHINE_TLS_DIR = '/var/lib/docker/lab-tls';
const FILES = ['ca.pem', 'cert.pem', 'key.pem'] as const;

/** PEM text of the machine's CA and of its client certificate and key. */
export interface ClientTls {
  ca: string;
  cert: string;
  key: string;
}

/** The client certificate of a running machine, or undefined while the machine has not made it yet. */
export async function readClientTls(docker: DockerClient, name: string): Promise<ClientTls | undefined> {
  const { exitCode, stdout } = await docker.exec(machineContainer(name), ['sh', '-c', FILES.map((f) => `cat ${MACHINE_TLS_DIR}/${f} && echo '#--'`).join(' && ')]);
  if (exitCode !== 0) return undefined;
  const [ca, cert, key] = stdout.split('#--\n');
  if (!ca?.includes('BEGIN') || !cert?.includes('BEGIN') || !key?.includes('BEGIN')) return undefined;
  return { ca, cert, key };
}

/** Like readClientTls, but a machine without certificates is an error that says what to do. */
export async function clientTls(docker: DockerClient, name: string): Promise<ClientTls> {
  const tls = await readClientTls(docker, name);
  if (tls) return tls;
  throw new EnvironmentError(`The machine "${name}" has no TLS certificates in ${MACHINE_TLS_DIR}.`, `Was it made from an older dockerlab/host? Remove it (\`lab machine rm ${name}\`) and create it again.`);
}

/** Where `lab machine env NAME` keeps the client certificate: DOCKER_CERT_PATH. */
export const certPath = (name: string, env: NodeJS.ProcessEnv = process.env): string => join(stateDir(env), 'machines', name);

/** Writes ca.pem, cert.pem and key.pem for the docker CLI (the key readable by its owner only). */
export function writeCertPath(name: string, tls: ClientTls, env: NodeJS.ProcessEnv = process.env): string {
  const dir = certPath(name, env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const file of FILES) {
    const path = join(dir, file);
    writeFileSync(path, tls[file.replace('.pem', '') as keyof ClientTls], { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return dir;
}

export function removeCertPath(name: string, env: NodeJS.ProcessEnv = process.env): void {
  rmSync(certPath(name, env), { recursive: true, force: true });
}

/** Every machine's client certificate (`lab reset --all` removes every machine). */
export function removeAllCertPaths(env: NodeJS.ProcessEnv = process.env): void {
  rmSync(join(stateDir(env), 'machines'), { recursive: true, force: true });
}

/**
 * GET a path of a machine's engine over TLS with its client certificate, under a deadline held by
 * a ref'd timer (an unref'd one would let Node exit mid-await while docker-proxy holds the socket).
 */
export function engineGet(address: string, port: number, path: string, tls: ClientTls, ms: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path, ca: tls.ca, cert: tls.cert, key: tls.key, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer from ${address}:${port}${path} within ${ms} ms`)), ms);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}
