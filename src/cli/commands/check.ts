import type { ExitCode } from '../../errors.js';
import { recordReport } from '../../progress/record.js';
import type { CommandContext } from '../context.js';
import { pickStage } from '../pick-stage.js';
import { printActivity, seconds } from '../print-activity.js';

/** `lab check [stage] [--json]`: exit 0 when every check passes, 1 when one fails. */
export async function checkCommand(ctx: CommandContext, ref: string | undefined, options: { json?: boolean }): Promise<ExitCode> {
  const lessons = ctx.lessons();
  const store = ctx.store();
  const { progress, warning } = store.load();
  if (warning) ctx.out.error(`Warning: ${warning}`);
  const stage = pickStage(lessons, progress, ref);
  await ctx.docker().ping();
  const started = Date.now();
  const stopPrinting = options.json ? () => undefined : printActivity(ctx.feed, ctx.out);
  if (!options.json) ctx.out.line(ctx.out.bold(`Checking ${stage.number} ${stage.id}: ${stage.title}`));
  const report = await ctx.ops().check(stage);
  stopPrinting();
  store.save(recordReport(progress, report));
  if (options.json) {
    ctx.out.line(JSON.stringify({ ...report, durationMs: Date.now() - started }, null, 2));
  } else {
    const failed = report.results.filter((r) => r.status === 'fail').length;
    ctx.out.line(
      report.passed
        ? ctx.out.green(`Stage ${stage.id} passed (${seconds(Date.now() - started)}).`)
        : ctx.out.red(`${failed} of ${report.results.length} checks failed. Fix what the hints say, then run \`lab check ${stage.id}\` again.`),
    );
  }
  return report.passed ? 0 : 1;
}
