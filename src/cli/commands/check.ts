import { UsageError, type ExitCode } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { pickStage } from '../pick-stage.js';
import { seconds } from '../../format.js';
import { printActivity } from '../print-activity.js';
import { challengeOf } from './challenge.js';

/** `lab check --all`: re-checks every passed stage and names those that regressed. */
async function checkAllPassed(ctx: CommandContext, options: { json?: boolean }): Promise<ExitCode> {
  const store = ctx.store();
  const { progress } = store.load();
  const passed = ctx.lessons().stages.filter((stage) => progress.stages[stage.id]?.status === 'passed');
  await ctx.docker().ping();
  const regressed: string[] = [];
  const reports = [];
  const drillsLeft: string[] = [];
  for (const stage of passed) {
    // Read-only: a re-check of everything never runs a drill, which would remove the learner's containers.
    const report = await ctx.lifecycle().check(stage, 'read-only');
    reports.push(report);
    if (!report.passed) regressed.push(stage.id);
    if (report.skipped) drillsLeft.push(stage.id);
    if (!options.json) ctx.out.line(`${report.passed ? ctx.out.green('✔') : ctx.out.red('✖')} ${stage.id}${report.passed ? '' : ` regressed: ${report.results.filter((r) => r.status === 'fail').map((r) => r.summary).join(' ')}`}`);
  }
  if (!options.json && drillsLeft.length > 0) {
    ctx.out.line(ctx.out.dim(`Drills were not run (they break the lab on purpose, then restore it): ${drillsLeft.map((id) => `\`lab check ${id}\``).join(', ')} runs them.`));
  }
  if (options.json) ctx.out.line(JSON.stringify({ checked: passed.map((s) => s.id), regressed, reports }, null, 2));
  else ctx.out.line(passed.length === 0 ? 'No stage has passed yet.' : regressed.length === 0 ? ctx.out.green(`All ${passed.length} passed stage(s) still pass.`) : ctx.out.red(`${regressed.join(', ')} regressed.`));
  return regressed.length === 0 ? 0 : 1;
}

/** `lab check [stage] [--json]`: exit 0 when every check passes, 1 when one fails. */
export async function checkCommand(ctx: CommandContext, ref: string | undefined, options: { json?: boolean; all?: boolean; challenge?: boolean }): Promise<ExitCode> {
  if (options.all) {
    if (ref) throw new UsageError('Give either a stage or --all, not both.');
    if (options.challenge) throw new UsageError('--challenge judges one stage\'s challenge: give the stage, not --all.');
    return checkAllPassed(ctx, options);
  }
  const lessons = ctx.lessons();
  const store = ctx.store();
  const { progress, warning } = store.load();
  if (warning) ctx.out.error(`Warning: ${warning}`);
  const stage = pickStage(lessons, progress, ref);
  const challenge = options.challenge ? challengeOf(lessons, stage) : undefined;
  await ctx.docker().ping();
  const started = Date.now();
  const stopPrinting = options.json ? () => undefined : printActivity(ctx.feed, ctx.out);
  if (!options.json) ctx.out.line(ctx.out.bold(challenge ? `Checking the challenge of ${stage.number} ${stage.id}: ${challenge.title}` : `Checking ${stage.number} ${stage.id}: ${stage.title}`));
  const report = challenge ? await ctx.lifecycle().checkChallenge(stage) : await ctx.lifecycle().check(stage);
  stopPrinting();
  const again = `lab check ${stage.id}${challenge ? ' --challenge' : ''}`;
  if (options.json) {
    ctx.out.line(JSON.stringify({ ...report, ...(challenge ? { challenge: challenge.title } : {}), durationMs: Date.now() - started }, null, 2));
  } else {
    const failed = report.results.filter((r) => r.status === 'fail').length;
    ctx.out.line(
      report.passed
        ? ctx.out.green(`${challenge ? `The challenge of stage ${stage.id}` : `Stage ${stage.id}`} passed (${seconds(Date.now() - started)}).`)
        : ctx.out.red(`${failed} of ${report.results.length} checks failed. Fix what the hints say, then run \`${again}\` again.`),
    );
  }
  return report.passed ? 0 : 1;
}
