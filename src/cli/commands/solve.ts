import type { ExitCode } from '../../errors.js';
import { recordReport, recordStarted } from '../../progress/record.js';
import { ensurePortsAvailable } from '../../runtime/ports.js';
import type { CommandContext } from '../context.js';
import { pickStage } from '../pick-stage.js';
import { printActivity } from '../print-activity.js';

/** `lab solve [stage]`: runs the stage's setup and solution as the learner would type them, then checks. */
export async function solveCommand(ctx: CommandContext, ref: string | undefined): Promise<ExitCode> {
  const lessons = ctx.lessons();
  const store = ctx.store();
  const { progress, warning } = store.load();
  if (warning) ctx.out.error(`Warning: ${warning}`);
  const stage = pickStage(lessons, progress, ref);
  const docker = ctx.docker();
  await docker.ping();
  await ensurePortsAvailable(stage.ports, docker);
  const stopPrinting = printActivity(ctx.feed, ctx.out);
  try {
    ctx.out.line(ctx.out.bold(`Solving ${stage.number} ${stage.id}: ${stage.title}`));
    await ctx.ops().solve(stage, ctx.signal);
    if (ctx.signal.aborted) return 1;
    ctx.out.line(ctx.out.bold('Checking…'));
    const report = await ctx.ops().check(stage);
    store.save(recordReport(recordStarted(progress, stage.id, new Date().toISOString()), report));
    ctx.out.line(report.passed ? ctx.out.green(`Stage ${stage.id} solved and passed.`) : ctx.out.red(`The solution ran, but ${stage.id}'s checks fail.`));
    return report.passed ? 0 : 1;
  } finally {
    stopPrinting();
  }
}
