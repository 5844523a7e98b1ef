import { describe, expect, it } from '@jest/globals';
import type { StageReport } from '../../src/checks/types.js';
import type { Stage } from '../../src/lessons/types.js';
import { runTrack, toJunit, type TrackOps } from '../../src/track/run-track.js';

const stage = (id: string): Stage => ({ id, title: id, summary: id, requires: [], images: [], setup: [], solve: [`solve ${id}`], cleanup: [], ports: [], panel: 'none', checks: [], number: 1, dir: id, markdown: '', steps: [] });
const report = (stageId: string, passed: boolean): StageReport => ({
  stageId,
  passed,
  finishedAt: 'now',
  results: [{ kind: 'http', title: `${stageId} works`, status: passed ? 'pass' : 'fail', summary: passed ? 'fine' : 'not yet', durationMs: 1 }],
});

/** A world where a stage's check passes once it is solved, unless told otherwise. */
function fakeOps(options: { passesBefore?: string[]; solveFails?: string[]; neverPasses?: string[] } = {}): TrackOps & { calls: string[] } {
  const solved = new Set<string>();
  const calls: string[] = [];
  return {
    calls,
    resetAll: async () => void calls.push('reset-all'),
    reset: async (s) => void calls.push(`reset ${s.id}`),
    prepare: async (s) => void calls.push(`setup ${s.id}`),
    solve: async (s) => {
      calls.push(`solve ${s.id}`);
      if (options.solveFails?.includes(s.id)) throw new Error(`\`solve ${s.id}\` exited with code 1.`);
      solved.add(s.id);
    },
    check: async (s) => {
      calls.push(`check ${s.id}`);
      const passes = options.passesBefore?.includes(s.id) || (solved.has(s.id) && !options.neverPasses?.includes(s.id));
      return report(s.id, Boolean(passes));
    },
  };
}

const track = [stage('one'), stage('two'), stage('three')];

describe('the track test', () => {
  it('runs reset, setup, check, solve, check for each stage in order, from a clean engine', async () => {
    const ops = fakeOps();
    const run = await runTrack(track.slice(0, 1), ops);
    expect(ops.calls).toEqual(['reset-all', 'reset one', 'setup one', 'check one', 'solve one', 'check one']);
    expect(run).toMatchObject({ ok: true, skipped: [] });
  });

  it('starts each later stage on a clean engine too: what the stage before made is removed first', async () => {
    const ops = fakeOps();
    await runTrack(track.slice(0, 2), ops);
    expect(ops.calls.slice(6)).toEqual(['reset-all', 'reset two', 'setup two', 'check two', 'solve two', 'check two']);
  });

  it('passes a track whose stages all fail before and pass after', async () => {
    const run = await runTrack(track, fakeOps());
    expect(run.ok).toBe(true);
    expect(run.stages.map((s) => s.outcome)).toEqual(['ok', 'ok', 'ok']);
  });

  it('reports a stage whose check passes before the solution, and goes on', async () => {
    const run = await runTrack(track, fakeOps({ passesBefore: ['two'] }));
    expect(run.ok).toBe(false);
    expect(run.stages.map((s) => s.outcome)).toEqual(['ok', 'passes-before-solve', 'ok']);
  });

  it('stops at a stage whose solution fails, naming it and what was not run', async () => {
    const run = await runTrack(track, fakeOps({ solveFails: ['two'] }));
    expect(run.ok).toBe(false);
    expect(run.stages.at(-1)).toMatchObject({ id: 'two', outcome: 'solve-failed', detail: '`solve two` exited with code 1.' });
    expect(run.skipped).toEqual(['three']);
  });

  it('stops at a stage whose checks still fail after its solution', async () => {
    const run = await runTrack(track, fakeOps({ neverPasses: ['one'] }));
    expect(run.stages).toHaveLength(1);
    expect(run.stages[0]).toMatchObject({ outcome: 'fails-after-solve', detail: 'one works: not yet' });
    expect(run.skipped).toEqual(['two', 'three']);
  });

  it('writes JUnit XML with a failure per bad stage and skipped ones marked', async () => {
    const xml = toJunit(await runTrack(track, fakeOps({ solveFails: ['two'] })));
    expect(xml).toContain('<testsuite name="dockerlab track" tests="3" failures="1" skipped="1"');
    expect(xml).toContain('<failure message="solve-failed">`solve two` exited with code 1.</failure>');
    expect(xml).toContain('name="three" time="0"><skipped/>');
  });
});

describe('the track test with challenges', () => {
  const withChallenge = (id: string): Stage => ({ ...stage(id), challenge: { markdown: '# C\n\n## Hints\n', title: 'C', checks: [], solutionFile: `/lessons/${id}/challenge.solution.sh` } });

  function challengeOps(options: { challengePassesBefore?: boolean; solutionFails?: boolean; neverPasses?: boolean } = {}) {
    const ops = fakeOps();
    let solved = false;
    return Object.assign(ops, {
      checkChallenge: async (s: Stage) => {
        ops.calls.push(`check challenge ${s.id}`);
        return report(s.id, Boolean(options.challengePassesBefore) || (solved && !options.neverPasses));
      },
      solveChallenge: async (s: Stage) => {
        ops.calls.push(`solve challenge ${s.id}`);
        if (options.solutionFails) throw new Error('`bash challenge.solution.sh` exited with code 1.');
        solved = true;
      },
    });
  }

  it('proves a passed stage’s challenge: its checks fail, the reference solution runs, they pass', async () => {
    const ops = challengeOps();
    const run = await runTrack([withChallenge('one')], ops);
    expect(ops.calls.slice(-3)).toEqual(['check challenge one', 'solve challenge one', 'check challenge one']);
    expect(run.ok).toBe(true);
    expect(run.stages[0]).toMatchObject({ outcome: 'ok', challenge: { outcome: 'ok' } });
  });

  it('fails the run, and goes on to the next stage, when a challenge check passes before or fails after', async () => {
    const early = await runTrack([withChallenge('one'), stage('two')], challengeOps({ challengePassesBefore: true }));
    expect(early.ok).toBe(false);
    expect(early.stages.map((s) => s.id)).toEqual(['one', 'two']);
    expect(early.stages[0]?.challenge?.outcome).toBe('passes-before-solve');
    const broken = await runTrack([withChallenge('one')], challengeOps({ solutionFails: true }));
    expect(broken.stages[0]?.challenge).toEqual({ outcome: 'fails-after-solve', detail: 'the reference solution failed: `bash challenge.solution.sh` exited with code 1.' });
    const junit = toJunit(broken);
    expect(junit).toContain('failures="1"');
    expect(junit).toContain('<failure message="challenge fails-after-solve">');
  });

  it('leaves challenges out when the operations for them are not given (`lab test --skip-challenges`)', async () => {
    const ops = fakeOps();
    const run = await runTrack([withChallenge('one')], ops);
    expect(run.ok).toBe(true);
    expect(run.stages[0]?.challenge).toBeUndefined();
  });
});
