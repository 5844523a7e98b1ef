import type { ExitCode } from '../../errors.js';
import { buildImages } from '../../runtime/images.js';
import type { CommandContext } from '../context.js';
import { seconds } from '../print-activity.js';

/** `lab images build [--offline]`: every image the track needs, with progress; cached layers make a rebuild quick. */
export async function imagesBuildCommand(ctx: CommandContext, options: { offline?: boolean }): Promise<ExitCode> {
  const { out } = ctx;
  await ctx.docker().ping();
  const summary = await buildImages({
    shell: ctx.shell(),
    docker: ctx.docker(),
    root: ctx.root,
    offline: Boolean(options.offline),
    signal: ctx.signal,
    onEvent(event) {
      switch (event.type) {
        case 'base':
          out.line(out.dim(event.line));
          break;
        case 'image-started':
          out.line(out.bold(`$ ${event.command}`));
          break;
        case 'image-progress':
          out.line(`  [${event.step}/${event.total}] ${event.line}`);
          break;
        case 'image-finished':
          out.line(out.green(`✔ ${event.image} ${event.cached ? 'up to date' : 'built'} in ${seconds(event.durationMs)}`));
          break;
      }
    },
  });
  out.line(`Built ${summary.images.length} image(s) in ${seconds(summary.totalMs)}.`);
  return 0;
}
