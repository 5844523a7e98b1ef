import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { docker, failedLines, freshStateDir, ownsTheLab, runLab, runStepsOf } from '../helpers/run-lab.js';

/** The docker CLI against the manager machine's engine. */
const onManager = (...args: string[]): string => docker('exec', 'lab-machine-manager', 'docker', ...args);

/**
 * Stage 6 on the real engine: the Mesos quiz and a real Docker Swarm across three lab machines.
 * Fails before, passes after the lesson's steps run in order as the UI runs them (its `solve` list
 * passes in the track test; the drill kills a worker machine and times the rescheduling), fails
 * after sabotage (a drained node, the service scaled to 0), and `lab reset orchestration` removes
 * its machines only.
 */
describe('stage orchestration on a real engine', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };

  ownsTheLab(env);

  it('fails before: the quiz is unanswered and there is no manager machine', async () => {
    const run = await runLab(['check', 'orchestration'], env);
    expect(run.code).toBe(1);
    expect(failedLines(run)).toHaveLength(5);
    expect(run.stdout).toContain('There is no lab machine "manager".');
  }, 60_000);

  it('passes after the lesson\'s steps: 3 nodes, 6 replicas spread, requests reach several, the drill reschedules in time', async () => {
    const started = Date.now();
    await runStepsOf('orchestration', env);
    const run = await runLab(['check', 'orchestration'], env);
    expect({ code: run.code, failed: failedLines(run) }).toEqual({ code: 0, failed: [] });
    expect(run.stdout).toContain('3 nodes ready and active: manager (leader), worker-1, worker-2.');
    // Spread over two nodes at least, as the check asks: a node still joining when the service is created gets none.
    expect(run.stdout).toMatch(/6\/6 replicas of simple-service running on (manager|worker-\d) \(\d\), (manager|worker-\d) \(\d\)/);
    expect(run.stdout).toMatch(/reached [3-6] replicas: simple-service\.\d/);
    const drill = /(worker-\d) lost with (\d) tasks?: marked down after ([\d.]+) s, all 6 replicas running on the others after ([\d.]+) s\. worker-\d was started again and rejoined in ([\d.]+) s/.exec(run.stdout);
    expect(drill).not.toBeNull();
    process.stdout.write(`orchestration steps + check: ${((Date.now() - started) / 1000).toFixed(1)} s; drill: ${drill![0]}\n`);
  }, 300_000);

  it('the challenge: fails before; after the reference (v2 rolled out and back under load) passes with no failed request; a v2 update left in place fails it', async () => {
    const before = await runLab(['check', 'orchestration', '--challenge'], env);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('simple-service never ran version v2');
    const started = Date.now();
    // As `lab test` runs it: from the lab's folder, with the lab's own `lab` first on PATH.
    execFileSync('bash', ['lessons/06-orchestration/challenge.solution.sh'], { env: { ...process.env, ...env, PATH: [join(process.cwd(), 'bin'), process.env.PATH].join(delimiter) }, stdio: ['ignore', 'pipe', 'pipe'] });
    const after = await runLab(['check', 'orchestration', '--challenge'], env);
    const figures = /simple-lb logged (\d+) requests from the first v2 task to the end of the rollback \(([\d.]+) s\), none failed/.exec(after.stdout);
    expect({ code: after.code, figures: Boolean(figures) }).toEqual({ code: 0, figures: true });
    process.stdout.write(`rolling update and rollback: ${figures![1]} requests in ${figures![2]} s, 0 failed (reference run ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    // Sabotage: version 2 again, and no rollback this time.
    onManager('service', 'update', '--quiet', '--image', 'simple-registry:5000/simple-server:v2', '--health-interval', '2s', 'simple-service');
    const sabotaged = await runLab(['check', 'orchestration', '--challenge'], env);
    expect(sabotaged.code).toBe(1);
    expect(sabotaged.stdout).toMatch(/simple-service runs simple-registry:5000\/simple-server:v2 and was not rolled back/);
  }, 300_000);

  it('fails after sabotage: a drained node and the service scaled to 0', async () => {
    onManager('node', 'update', '--availability', 'drain', 'worker-1');
    onManager('service', 'scale', '--detach', 'simple-service=0');
    const run = await runLab(['check', 'orchestration'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('worker-1 (availability drain): Swarm schedules no task there.');
    expect(run.stdout).toContain('simple-service wants 0 replicas; the stage wants at least 6.');
    expect(run.stdout).toContain('docker service scale simple-service=6');
    onManager('node', 'update', '--availability', 'active', 'worker-1');
    onManager('service', 'scale', '--detach', 'simple-service=6');
  }, 120_000);

  it('`lab reset orchestration` removes its own machines and volumes, and no other machine', async () => {
    // A machine of stage 5 (made as its step would make it) must survive.
    expect((await runLab(['machine', 'create', 'web'], { ...env, LAB_STAGE: 'multi-host' })).code).toBe(0);
    expect((await runLab(['reset', 'orchestration'], env)).code).toBe(0);
    expect(docker('ps', '-a', '--filter', 'label=dev.dockerlab.machine', '--format', '{{.Names}}')).toBe('lab-machine-web');
    expect(docker('volume', 'ls', '-q', '--filter', 'label=dev.dockerlab.machine')).toBe('lab-machine-web');
  }, 120_000);
});
