import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../helpers/net.js';
import { freshStateDir, runLab, type LabRun } from '../helpers/run-lab.js';

/**
 * The lab pointed at an engine on another machine: a lab machine's TLS engine, addressed as a plain
 * remote DOCKER_HOST (its address on the lab network, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, no
 * DOCKER_MACHINE_NAME). Published ports are then on that machine's 127.0.0.1, not this computer's:
 * the whole track must pass with every check asking from the engine's side. Then every way an
 * endpoint can be unusable gets one line and exit 3.
 */
const NAME = 'far';
const hostEnv = { LAB_STATE_DIR: freshStateDir() };
const work = mkdtempSync(join(tmpdir(), 'lab-remote-'));
let remoteEnv: Record<string, string> = {};
let certPath = '';
let address = '';

const noStackTrace = (run: LabRun): void => {
  expect(run.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
  expect(run.stderr).not.toContain('Internal error');
};

describe('the lab on a remote engine', () => {
  beforeAll(async () => {
    await runLab(['machine', 'rm', NAME], hostEnv);
    const created = await runLab(['machine', 'create', NAME], hostEnv, 120_000);
    expect(created.code).toBe(0);
    address = (await runLab(['machine', 'ip', NAME], hostEnv)).stdout.trim();
    certPath = /DOCKER_CERT_PATH="([^"]+)"/.exec((await runLab(['machine', 'env', NAME], hostEnv)).stdout)![1]!;
    remoteEnv = { DOCKER_HOST: `tcp://${address}:2376`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath, LAB_STATE_DIR: freshStateDir() };
    // An offline classroom's way to get the images there: a bundle made here, loaded into that engine.
    const bundle = join(work, 'bundle.tar');
    expect((await runLab(['images', 'save', bundle], hostEnv, 300_000)).code).toBe(0);
    const loaded = await runLab(['images', 'load', bundle], remoteEnv, 600_000);
    expect(loaded.code).toBe(0);
    rmSync(bundle, { force: true });
  }, 900_000);

  afterAll(async () => {
    await runLab(['reset', '--all'], remoteEnv).catch(() => undefined);
    await runLab(['machine', 'rm', NAME], hostEnv);
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('doctor names the engine as remote, and where its published ports are', async () => {
    const run = await runLab(['doctor'], remoteEnv, 120_000);
    expect(run.stdout).toContain(`remote: tcp://${address}:2376 is another machine; published ports are on 127.0.0.1 of ${address}`);
    expect(run.code).toBe(0);
  }, 120_000);

  // The suite's one run of the whole track (stage e2e files cover the local engine stage by stage,
  // and the VM lane runs the track on a local Docker 26): each stage fails before its solution and passes after.
  it('passes the whole track there, every check asking from the engine\'s side', async () => {
    const junit = join(work, 'track.xml');
    const run = await runLab(['test', '--junit', junit], remoteEnv, 1_500_000);
    process.stdout.write(`remote track:\n${run.stdout.split('\n').filter((line) => /^[✔✖]|Track test/.test(line)).join('\n')}\n`);
    expect(run.stdout).toContain('Track test passed');
    expect(run.code).toBe(0);
    for (const id of ['single-host', 'horizontal-scale', 'load-balancing', 'service-discovery', 'multi-host', 'orchestration']) expect(run.stdout).toMatch(new RegExp(`✔ ${id} ok`));
    expect(readFileSync(junit, 'utf8')).toContain('failures="0"');
  }, 1_500_000);

  describe('an unusable endpoint gets one line and exit 3, never a stack trace', () => {
    it('a TLS engine with no certificates given', async () => {
      const run = await runLab(['check', 'single-host'], { ...hostEnv, LAB_DOCKER_HOST: `tcp://${address}:2376` });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`The engine at tcp://${address}:2376 speaks TLS, and the lab was not given its certificates.`);
      noStackTrace(run);
    });

    it('certificates that are not there', async () => {
      const run = await runLab(['check', 'single-host'], { ...remoteEnv, DOCKER_CERT_PATH: join(work, 'none') });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('DOCKER_TLS_VERIFY is set for');
      expect(run.stderr).toContain('cannot be read (ENOENT)');
      noStackTrace(run);
    });

    it('a CA that did not sign the engine\'s certificate', async () => {
      const other = join(work, 'other-ca');
      const made = await import('node:child_process').then(({ execFileSync }) =>
        execFileSync('sh', ['-c', `mkdir -p ${other} && cd ${other} && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout key.pem -out ca.pem -subj /CN=stranger -days 1 2>/dev/null && cp ca.pem cert.pem && echo ok`], { encoding: 'utf8' }),
      );
      expect(made.trim()).toBe('ok');
      const run = await runLab(['check', 'single-host'], { ...remoteEnv, DOCKER_CERT_PATH: other });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('presents a certificate that the CA in DOCKER_CERT_PATH (ca.pem) did not sign');
      noStackTrace(run);
    });

    it('a closed port', async () => {
      const port = await freePort();
      const run = await runLab(['doctor'], { ...hostEnv, LAB_DOCKER_HOST: `tcp://127.0.0.1:${port}` });
      expect(run.code).toBe(3);
      expect(run.stdout).toContain(`FAIL Docker engine: Nothing answers at tcp://127.0.0.1:${port} (connection refused).`);
      noStackTrace(run);
    });

    it('ssh without a key', async () => {
      const home = mkdtempSync(join(tmpdir(), 'lab-nokey-'));
      const run = await runLab(['check', 'single-host'], { ...hostEnv, LAB_DOCKER_HOST: 'ssh://nobody@127.0.0.1:1', HOME: home, SSH_AUTH_SOCK: '' });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('is reached through ssh, and the lab has no key to log in with');
      noStackTrace(run);
    });
  });
});
