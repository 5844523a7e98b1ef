import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '../tui/helpers.js';
import { freshStateDir, runLab, type LabRun } from '../helpers/run-lab.js';

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();
/** Everything this file creates carries this label, and is removed by it. */
const TEST_LABEL = 'dev.dockerlab.test=helper5';
const id = `${process.pid}-${Date.now().toString(36)}`;
const labContainer = `helper5-report-lab-${id}`;
const bystander = `helper5-report-bystander-${id}`;
const secretValue = `helper5-env-value-${id}`;

function removeOurs(): void {
  const ids = docker('ps', '-aq', '--filter', `label=${TEST_LABEL}`);
  if (ids) execFileSync('docker', ['rm', '-f', ...ids.split('\n')], { stdio: 'ignore' });
}

/**
 * `lab report` on a real engine: one container with the lab's label and one without, side by side.
 * Only the lab's is named, its log lines are in the file with secrets redacted, and no value of an
 * environment variable set for the run reaches the file.
 */
describe('lab report on a real engine', () => {
  const stateDir = freshStateDir();
  const out = join(stateDir, 'reports', 'report.md');
  let run: LabRun;
  let report: string;

  beforeAll(async () => {
    removeOurs();
    docker('run', '-d', '--name', labContainer, '--label', 'dev.dockerlab.managed=true', '--label', TEST_LABEL, 'debian:bookworm-slim',
      'sh', '-c', `echo "hello from the lab container ${id}"; echo "db password=hunter2-${id} loaded"; exec sleep 600`);
    docker('run', '-d', '--name', bystander, '--label', TEST_LABEL, 'debian:bookworm-slim', 'sh', '-c', `echo "bystander line ${id}"; exec sleep 600`);
    await waitFor(() => docker('logs', labContainer).includes('loaded') && docker('logs', bystander).includes('bystander'), 'both containers to log', 10_000);
    mkdirSync(stateDir, { recursive: true });
    const progress = { version: 1, current: 'single-host', stages: { 'single-host': { status: 'failed', updatedAt: '2026-01-02T10:00:00.000Z', attempts: 3 } } };
    writeFileSync(join(stateDir, 'progress.json'), JSON.stringify(progress));
    run = await runLab(['report', 'single-host', '--out', out], { LAB_STATE_DIR: stateDir, HELPER5_REPORT_SECRET: secretValue }, 120_000);
    report = existsSync(out) ? readFileSync(out, 'utf8') : '';
  }, 150_000);

  afterAll(removeOurs);

  it('exits 0 and prints the path of the file it wrote', () => {
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toContain(`Report written to ${out}`);
    expect(report).toMatch(/^# dockerlab report: single-host/);
  });

  it('lists the labelled container with its log lines, and not the bystander', () => {
    expect(report).toMatch(new RegExp(`^\\| ${labContainer} \\| debian:bookworm-slim \\| running \\|`, 'm'));
    expect(report).toContain(`hello from the lab container ${id}`);
    expect(report).not.toContain(bystander);
    expect(report).not.toContain(`bystander line ${id}`);
  });

  it('redacts the secret in the log', () => {
    expect(report).toContain('db password=[REDACTED] loaded');
    expect(report).not.toContain(`hunter2-${id}`);
  });

  it('holds no value of an environment variable set for the run', () => {
    expect(report).not.toContain(secretValue);
    expect(report).not.toContain(stateDir);
  });

  it('has the re-run checks, the versions and the progress, with the same data as JSON', () => {
    expect(report).toContain('## Checks');
    expect(report).toContain('simple-server-test runs as a daemon');
    expect(report).toMatch(/- docker engine: \d+\.\d+/);
    expect(report).toContain('| single-host | failed | 3 |');
    const json = /```json\n(\{\n {2}"format": "dockerlab-report\/1"[\s\S]*?)\n```\n$/.exec(report)?.[1];
    const data = JSON.parse(json ?? '{}') as { containers?: { name: string }[]; checks?: unknown[] };
    expect(data.containers?.map((c) => c.name)).toContain(labContainer);
    expect(data.containers?.map((c) => c.name)).not.toContain(bystander);
    expect(data.checks).toHaveLength(7);
  });
});
