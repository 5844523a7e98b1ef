import type { StageReport } from '../checks/types.js';
import type { Stage } from '../lessons/types.js';

/** What the track test needs of the world: the same operations the CLI uses. */
export interface TrackOps {
  resetAll(): Promise<void>;
  reset(stage: Stage): Promise<void>;
  prepare(stage: Stage): Promise<void>;
  solve(stage: Stage): Promise<void>;
  check(stage: Stage): Promise<StageReport>;
  /** A stage's challenge: its checks, and its reference solution. Without them, challenges are not run. */
  checkChallenge?(stage: Stage): Promise<StageReport>;
  solveChallenge?(stage: Stage): Promise<void>;
}

export type ChallengeOutcome =
  /** Failed before the reference solution, passed after it. */
  | 'ok'
  /** A challenge check passed before the reference solution ran: it cannot tell done from not done. */
  | 'passes-before-solve'
  /** The reference solution failed, or the challenge's checks still fail after it. */
  | 'fails-after-solve';

export type StageOutcome =
  /** Failed before the work, passed after it: the stage behaves. */
  | 'ok'
  /** A check passed before the solution ran: it cannot tell done from not done. */
  | 'passes-before-solve'
  /** Setup or solution commands failed. */
  | 'solve-failed'
  /** The solution ran but the checks still fail. */
  | 'fails-after-solve';

export interface StageRun {
  id: string;
  outcome: StageOutcome;
  /** What went wrong, for a person. */
  detail?: string;
  timings: { resetMs: number; setupMs: number; beforeMs: number; solveMs: number; afterMs: number; challengeMs?: number; totalMs: number };
  /** The stage's challenge, when it has one and the stage passed: judged before and after its reference solution. */
  challenge?: { outcome: ChallengeOutcome; detail?: string };
}

export interface TrackRun {
  stages: StageRun[];
  /** Stages not run because an earlier one broke the track. */
  skipped: string[];
  ok: boolean;
  totalMs: number;
}

export type TrackEvent = { type: 'stage.started'; stage: Stage; index: number; total: number } | { type: 'stage.phase'; stage: Stage; phase: 'reset' | 'setup' | 'check-before' | 'solve' | 'check-after' | 'challenge' } | { type: 'stage.finished'; run: StageRun };

/** The stage passed, and so did its challenge when it was run. */
export const stageRunOk = (run: StageRun): boolean => run.outcome === 'ok' && (run.challenge?.outcome ?? 'ok') === 'ok';

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = Date.now();
  return [await work(), Date.now() - started];
};

/**
 * For each stage in graph order on a clean engine (all the lab made is removed before each stage):
 * reset → setup → check must FAIL → solve → check
 * must PASS. A check that passes before the work is reported and the run goes on; a solution that
 * fails, or checks that still fail after it, stop the run (later stages stand on it).
 */
export async function runTrack(stages: Stage[], ops: TrackOps, onEvent: (event: TrackEvent) => void = () => undefined): Promise<TrackRun> {
  const started = Date.now();
  const runs: StageRun[] = [];
  await ops.resetAll();
  for (const [index, stage] of stages.entries()) {
    onEvent({ type: 'stage.started', stage, index, total: stages.length });
    const phase = (name: Extract<TrackEvent, { type: 'stage.phase' }>['phase']) => onEvent({ type: 'stage.phase', stage, phase: name });
    const stageStart = Date.now();
    const timings: StageRun['timings'] = { resetMs: 0, setupMs: 0, beforeMs: 0, solveMs: 0, afterMs: 0, totalMs: 0 };
    let challenge: StageRun['challenge'];
    const finish = (outcome: StageOutcome, detail?: string): StageRun => {
      const run = { id: stage.id, outcome, ...(detail ? { detail } : {}), timings: { ...timings, totalMs: Date.now() - stageStart }, ...(challenge ? { challenge } : {}) };
      runs.push(run);
      onEvent({ type: 'stage.finished', run });
      return run;
    };
    let run: StageRun;
    try {
      phase('reset');
      // Everything the stages before made goes first: each stage's setup makes what it stands on, and
      // a finished stage left running (stage 4's ten Consul agents) starved an emulated VM's stage 5.
      [, timings.resetMs] = await timed(async () => {
        if (index > 0) await ops.resetAll();
        await ops.reset(stage);
      });
      phase('setup');
      [, timings.setupMs] = await timed(() => ops.prepare(stage));
      phase('check-before');
      const [before, beforeMs] = await timed(() => ops.check(stage));
      timings.beforeMs = beforeMs;
      const passingEarly = before.results.filter((r) => r.status !== 'fail').map((r) => r.title);
      phase('solve');
      [, timings.solveMs] = await timed(() => ops.solve(stage));
      phase('check-after');
      const [after, afterMs] = await timed(() => ops.check(stage));
      timings.afterMs = afterMs;
      if (!after.passed) {
        const failing = after.results.filter((r) => r.status === 'fail');
        run = finish('fails-after-solve', failing.map((r) => `${r.title}: ${r.summary}`).join('; '));
      } else if (before.passed) {
        run = finish('passes-before-solve', `every check passed before the solution ran (${passingEarly.join(', ')})`);
      } else {
        const { checkChallenge, solveChallenge } = ops;
        if (stage.challenge && checkChallenge && solveChallenge) {
          phase('challenge');
          [challenge, timings.challengeMs] = await timed(() => runChallenge(stage, { checkChallenge, solveChallenge }));
        }
        run = finish('ok', passingEarly.length > 0 ? `already passing before the solution: ${passingEarly.join(', ')}` : undefined);
      }
    } catch (error) {
      run = finish('solve-failed', error instanceof Error ? error.message : String(error));
    }
    if (run.outcome === 'solve-failed' || run.outcome === 'fails-after-solve') {
      return { stages: runs, skipped: stages.slice(index + 1).map((s) => s.id), ok: false, totalMs: Date.now() - started };
    }
  }
  return { stages: runs, skipped: [], ok: runs.every(stageRunOk), totalMs: Date.now() - started };
}

/** On the passed stage: the challenge's checks must fail, the reference solution run, and the checks pass. Later stages do not stand on it. */
async function runChallenge(stage: Stage, ops: Required<Pick<TrackOps, 'checkChallenge' | 'solveChallenge'>>): Promise<NonNullable<StageRun['challenge']>> {
  const failing = (report: StageReport) => report.results.filter((r) => r.status === 'fail').map((r) => `${r.title}: ${r.summary}`).join('; ');
  try {
    const before = await ops.checkChallenge(stage);
    await ops.solveChallenge(stage);
    const after = await ops.checkChallenge(stage);
    if (!after.passed) return { outcome: 'fails-after-solve', detail: failing(after) };
    if (before.passed) return { outcome: 'passes-before-solve', detail: 'every challenge check passed before the reference solution ran' };
    return { outcome: 'ok' };
  } catch (error) {
    return { outcome: 'fails-after-solve', detail: `the reference solution failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

const escapeXml = (text: string): string => text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** The run as JUnit XML, one test case per stage, for CI systems. */
export function toJunit(run: TrackRun): string {
  const failures = run.stages.filter((s) => !stageRunOk(s)).length;
  const cases = [
    ...run.stages.map((s) => {
      const body =
        s.outcome !== 'ok'
          ? `\n    <failure message="${escapeXml(s.outcome)}">${escapeXml(s.detail ?? s.outcome)}</failure>\n  `
          : s.challenge && s.challenge.outcome !== 'ok'
            ? `\n    <failure message="challenge ${escapeXml(s.challenge.outcome)}">${escapeXml(s.challenge.detail ?? s.challenge.outcome)}</failure>\n  `
            : '';
      return `  <testcase classname="dockerlab.track" name="${escapeXml(s.id)}" time="${(s.timings.totalMs / 1000).toFixed(3)}">${body}</testcase>`;
    }),
    ...run.skipped.map((id) => `  <testcase classname="dockerlab.track" name="${escapeXml(id)}" time="0"><skipped/></testcase>`),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="dockerlab track" tests="${run.stages.length + run.skipped.length}" failures="${failures}" skipped="${run.skipped.length}" time="${(run.totalMs / 1000).toFixed(3)}">`,
    ...cases,
    '</testsuite>',
    '',
  ].join('\n');
}
