import type { StageReport } from '../../checks/types.js';
import type { ExitCode } from '../../errors.js';
import { prerequisitesOf } from '../../lessons/graph.js';
import type { Stage } from '../../lessons/types.js';
import type { CommandContext } from '../context.js';
import { pickStage } from '../pick-stage.js';
import { printActivity } from '../print-activity.js';

/** Runs a stage's setup and solution as the learner would type them, checks it, and records the result. */
async function solveAndCheck(ctx: CommandContext, stage: Stage): Promise<StageReport | undefined> {
  ctx.out.line(ctx.out.bold(`Solving ${stage.number} ${stage.id}: ${stage.title}`));
  await ctx.lifecycle().solve(stage, ctx.signal);
  if (ctx.signal.aborted) return undefined;
  ctx.out.line(ctx.out.bold('Checking…'));
  return ctx.lifecycle().check(stage);
}

/** `lab solve [stage]`: exit 0 when the solved stage passes its checks. */
export async function solveCommand(ctx: CommandContext, ref: string | undefined): Promise<ExitCode> {
  const { progress, warning } = ctx.store().load();
  if (warning) ctx.out.error(`Warning: ${warning}`);
  const stage = pickStage(ctx.lessons(), progress, ref);
  await ctx.docker().ping();
  const stopPrinting = printActivity(ctx.feed, ctx.out);
  try {
    const report = await solveAndCheck(ctx, stage);
    if (!report) return 1;
    ctx.out.line(report.passed ? ctx.out.green(`Stage ${stage.id} solved and passed.`) : ctx.out.red(`The solution ran, but ${stage.id}'s checks fail.`));
    return report.passed ? 0 : 1;
  } finally {
    stopPrinting();
  }
}

/** For `lab goto`: solves, in graph order, every prerequisite of `stage` that has not passed. */
export async function solvePrerequisites(ctx: CommandContext, stage: Stage): Promise<ExitCode> {
  const pending = prerequisitesOf(ctx.lessons(), stage).filter((s) => ctx.store().load().progress.stages[s.id]?.status !== 'passed');
  if (pending.length === 0) return 0;
  await ctx.docker().ping();
  const stopPrinting = printActivity(ctx.feed, ctx.out);
  try {
    for (const [index, prerequisite] of pending.entries()) {
      ctx.out.line(ctx.out.dim(`[${index + 1}/${pending.length}] before ${stage.id}`));
      const report = await solveAndCheck(ctx, prerequisite);
      if (!report?.passed) {
        ctx.out.line(ctx.out.red(`${prerequisite.id} did not pass after its solution; stopping before ${stage.id}.`));
        return 1;
      }
    }
    return 0;
  } finally {
    stopPrinting();
  }
}
