import type { ExitCode } from '../../errors.js';
import { clockTime } from '../../format.js';
import { followStageChecks, type LiveRound } from '../../live/follow-checks.js';
import type { CommandContext } from '../context.js';
import { pickStage } from '../pick-stage.js';
import { printActivity } from '../print-activity.js';

/**
 * `lab watch [stage]`: live checks in a plain terminal. The learner works in their own terminal; this
 * one prints a line for each check whose result changes, re-checked on the engine's events, and
 * exits 0 (recording the stage) once every check passes. Only read-only checks run: a stage's drill
 * is left to `lab check STAGE`. Ctrl-C stops it cleanly.
 */
export async function watchCommand(ctx: CommandContext, ref: string | undefined): Promise<ExitCode> {
  const store = ctx.store();
  const { progress, warning } = store.load();
  if (warning) ctx.out.error(`Warning: ${warning}`);
  const stage = pickStage(ctx.lessons(), progress, ref);
  const docker = ctx.docker();
  await docker.ping();
  const { out } = ctx;
  out.line(out.bold(`Watching ${stage.number} ${stage.id}: ${stage.title}`));
  // Opened as the interface opens it: recorded as started, its setup (idempotent) run, so the stage's work can begin.
  const stopPrinting = printActivity(ctx.feed, out);
  try {
    await ctx.lifecycle().open(stage, ctx.signal);
  } finally {
    stopPrinting();
  }
  if (ctx.signal.aborted) return 0;
  out.line(out.dim('Do the stage in your own terminal: each check that changes is shown here as the engine reports it. Ctrl-C stops.'));

  return new Promise<ExitCode>((resolve) => {
    let stop = () => undefined as void;
    const finish = (code: ExitCode) => {
      stop();
      ctx.signal.removeEventListener('abort', interrupted);
      resolve(code);
    };
    const interrupted = () => {
      out.line(out.dim('Stopped watching.'));
      finish(0);
    };
    const onRound = ({ report, changed, trigger }: LiveRound) => {
      const at = clockTime(Date.now());
      for (const result of report.results.filter((r) => changed.includes(r.title))) {
        out.line(`${out.dim(at)} ${out.icon(result.status)} ${result.title} — ${result.summary}${trigger === 'start' ? '' : out.dim(` (${trigger})`)}`);
      }
      if (!report.passed) return;
      if (report.skipped) {
        out.line(out.green(`Every check that only looks passes. \`lab check ${stage.id}\` runs the rest (${report.skipped.join('; ')}) and records the stage.`));
        return finish(0);
      }
      ctx.recorder().passedLive(report);
      out.line(out.green(`Stage ${stage.id} passed: recorded.`));
      finish(0);
    };
    stop = followStageChecks(stage, { docker, http: ctx.http(), progress: () => store.load().progress }, onRound, {
      onEventsLost: () => out.error(out.yellow('The engine stopped sending events; checking every few seconds instead.')),
    });
    if (ctx.signal.aborted) interrupted();
    else ctx.signal.addEventListener('abort', interrupted, { once: true });
  });
}
