import { UsageError, type ExitCode } from '../../errors.js';
import { resolveStage } from '../../lessons/graph.js';
import type { RemovedResources } from '../../runtime/docker.js';
import type { CommandContext } from '../context.js';
import { printActivity } from '../print-activity.js';

/** `lab reset STAGE` undoes one stage; `lab reset --all` removes everything the lab made, by label only. */
export async function resetCommand(ctx: CommandContext, ref: string | undefined, options: { all?: boolean }): Promise<ExitCode> {
  if (!ref && !options.all) throw new UsageError('Say what to reset: a stage id, or --all.', 'For example `lab reset single-host` or `lab reset --all`.');
  if (ref && options.all) throw new UsageError('Give either a stage or --all, not both.');
  const stage = ref ? resolveStage(ctx.lessons(), ref) : undefined;
  await ctx.docker().ping();
  if (!stage) {
    reportRemoved(ctx, await ctx.lifecycle().resetAll());
    ctx.recorder().cleared();
    ctx.out.line('Progress cleared. Images are kept; `docker images --filter label=dev.dockerlab.managed=true` lists them.');
    return 0;
  }
  const stopPrinting = printActivity(ctx.feed, ctx.out);
  try {
    reportRemoved(ctx, await ctx.lifecycle().reset(stage, ctx.signal));
  } finally {
    stopPrinting();
  }
  ctx.out.line(`Stage ${stage.id} is reset; other stages keep their progress.`);
  return 0;
}

function reportRemoved(ctx: CommandContext, removed: RemovedResources): void {
  const parts = [
    [removed.containers, 'container'],
    [removed.networks, 'network'],
    [removed.volumes, 'volume'],
  ] as const;
  for (const [names, kind] of parts) {
    if (names.length > 0) ctx.out.line(`Removed ${names.length} ${kind}${names.length === 1 ? '' : 's'}: ${names.join(', ')}`);
  }
  for (const reason of removed.kept) ctx.out.line(ctx.out.yellow(`Kept ${reason}.`));
  if (parts.every(([names]) => names.length === 0) && removed.kept.length === 0) ctx.out.line('Nothing of the lab was left to remove.');
}
