import { createActor } from 'xstate';
import { createActors } from '../../actors/create-actors.js';
import { UsageError, type ExitCode } from '../../errors.js';
import { resolveStage } from '../../lessons/graph.js';
import { labMachine } from '../../machine/lab-machine.js';
import type { CommandContext } from '../context.js';

/** `lab`: the terminal UI. Loaded lazily so plain commands start fast. */
export async function tuiCommand(ctx: CommandContext, options: { open?: string; presenter?: boolean } = {}): Promise<ExitCode> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new UsageError('The lab\'s interface needs a terminal.', 'Run `lab` in a terminal, or use `lab list`, `lab check` and `lab solve` from scripts.');
  }
  const lessons = ctx.lessons();
  const store = ctx.store();
  const { progress, warning } = store.load();
  const open = options.open ? resolveStage(lessons, options.open).id : undefined;
  const engineProblem = await ctx.docker().ping().then(
    () => undefined,
    (error: Error) => error.message,
  );
  const machine = labMachine.provide({ actors: createActors(lessons, ctx.ops()) });
  const stages = lessons.stages.map(({ id, requires, steps }) => ({ id, requires, steps }));
  const actor = createActor(machine, { input: { stages, progress, ...(open ? { open } : {}) } });
  const { startTui } = await import('../../tui/start-tui.js');
  const notes = [warning, engineProblem && `${engineProblem} Commands will fail until it answers; run \`lab doctor\`.`].filter(Boolean).join(' ');
  const { watchTopology } = await import('../../runtime/topology.js');
  await startTui({ lessons, actor, feed: ctx.feed, store, color: ctx.out.color, presenter: Boolean(options.presenter), topology: (onChange) => watchTopology(ctx.docker(), onChange), ...(notes ? { warning: notes } : {}) });
  return 0;
}
