import { writeFileSync } from 'node:fs';
import { UsageError, type ExitCode } from '../../errors.js';
import { resolveStage } from '../../lessons/graph.js';
import { runTrack, stageRunOk, toJunit, type ChallengeOutcome, type StageOutcome, type TrackRun } from '../../track/run-track.js';
import type { CommandContext } from '../context.js';
import { seconds } from '../../format.js';
import { printActivity } from '../print-activity.js';

export interface TestFlags {
  from?: string;
  to?: string;
  json?: boolean;
  junit?: string;
  verbose?: boolean;
  /** Stages judged without their drills (the drills run everywhere else): `--skip-drills STAGE`, repeatable. */
  skipDrills?: string[];
  /** Leave the challenges out (each is otherwise proved on its passed stage by its reference solution). */
  skipChallenges?: boolean;
}

const CHALLENGE_VERDICT: Record<ChallengeOutcome, string> = {
  ok: 'ok',
  'passes-before-solve': 'BROKEN CHECK: passes before the reference solution',
  'fails-after-solve': 'FAIL: checks fail after the reference solution',
};

const VERDICT: Record<StageOutcome, string> = {
  ok: 'ok',
  'passes-before-solve': 'BROKEN CHECK: passes before the work is done',
  'solve-failed': 'FAIL: the solution did not run',
  'fails-after-solve': 'FAIL: checks fail after the solution',
};

/**
 * `lab test [--from X] [--to Y]`: the track test. Exit 0 only when every stage failed its checks
 * before its solution and passed them after; it never prints FAIL and exits 0.
 */
export async function testCommand(ctx: CommandContext, flags: TestFlags): Promise<ExitCode> {
  const lessons = ctx.lessons();
  const first = flags.from ? lessons.stages.indexOf(resolveStage(lessons, flags.from)) : 0;
  const last = flags.to ? lessons.stages.indexOf(resolveStage(lessons, flags.to)) : lessons.stages.length - 1;
  if (first > last) throw new UsageError(`--from ${flags.from} comes after --to ${flags.to} in the track.`);
  const stages = lessons.stages.slice(first, last + 1);
  const withoutDrills = new Set((flags.skipDrills ?? []).map((id) => resolveStage(lessons, id).id));
  await ctx.docker().ping();
  // The track's proof is nobody's progress: nothing of it is recorded.
  const ops = ctx.lifecycle({ records: false });
  const { out } = ctx;
  const stopPrinting = flags.verbose && !flags.json ? printActivity(ctx.feed, out) : () => undefined;
  let run: TrackRun;
  try {
    run = await runTrack(
      stages,
      {
        resetAll: async () => void (await ops.resetAll()),
        reset: async (stage) => void (await ops.reset(stage, ctx.signal)),
        prepare: (stage) => ops.prepare(stage, ctx.signal),
        solve: (stage) => ops.solve(stage, ctx.signal),
        check: (stage) => ops.check(stage, withoutDrills.has(stage.id) ? 'read-only' : 'all'),
        ...(flags.skipChallenges ? {} : { checkChallenge: (stage) => ops.checkChallenge(stage), solveChallenge: (stage) => ops.solveChallenge(stage, ctx.signal) }),
      },
      (event) => {
        if (flags.json) return;
        if (event.type === 'stage.started') out.line(out.bold(`[${event.index + 1}/${event.total}] ${event.stage.id}`));
        if (event.type === 'stage.phase' && !flags.verbose && out.interactive) process.stdout.write(out.dim(`  ${event.phase}…\r`));
        if (event.type === 'stage.finished') {
          const { outcome, detail, timings } = event.run;
          const mark = outcome === 'ok' ? out.green('✔') : out.red('✖');
          out.line(`${mark} ${event.run.id} ${VERDICT[outcome]} (${seconds(timings.totalMs)}: setup ${seconds(timings.setupMs)}, before ${seconds(timings.beforeMs)}, solve ${seconds(timings.solveMs)}, after ${seconds(timings.afterMs)})`);
          if (detail) out.line(`    ${detail}`);
          const { challenge } = event.run;
          if (challenge) {
            out.line(`  ${challenge.outcome === 'ok' ? out.green('✔') : out.red('✖')} ${event.run.id} challenge ${CHALLENGE_VERDICT[challenge.outcome]}${timings.challengeMs !== undefined ? ` (${seconds(timings.challengeMs)})` : ''}`);
            if (challenge.detail) out.line(`      ${challenge.detail}`);
          }
        }
      },
    );
  } finally {
    stopPrinting();
  }
  if (flags.junit) writeFileSync(flags.junit, toJunit(run));
  await ops.resetAll();
  const bad = run.stages.filter((s) => !stageRunOk(s));
  if (flags.json) {
    out.line(JSON.stringify(run, null, 2));
  } else {
    out.line(
      run.ok
        ? out.green(`Track test passed: ${run.stages.length} stage(s) in ${seconds(run.totalMs)}.`)
        : out.red(`Track test FAILED: ${bad.map((s) => (s.outcome !== 'ok' ? `${s.id} (${s.outcome})` : `${s.id}'s challenge (${s.challenge?.outcome})`)).join(', ')}${run.skipped.length ? `; not run: ${run.skipped.join(', ')}` : ''}.`),
    );
  }
  return run.ok ? 0 : 1;
}
