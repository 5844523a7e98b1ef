import { createActor } from 'xstate';
import { createActors } from '../../actors/create-actors.js';
import { UsageError, type ExitCode } from '../../errors.js';
import { resolveStage } from '../../lessons/graph.js';
import { labMachine } from '../../statechart/lab-machine.js';
import type { CommandContext } from '../context.js';
import { solvePrerequisites } from './solve.js';

/** `lab goto STAGE`: solves what comes before STAGE, then opens it (or says how, without a terminal). */
export async function gotoCommand(ctx: CommandContext, ref: string): Promise<ExitCode> {
  const stage = resolveStage(ctx.lessons(), ref);
  const solved = await solvePrerequisites(ctx, stage);
  if (solved !== 0) return solved;
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    ctx.recorder().started(stage.id);
    ctx.out.line(`Everything before ${stage.id} has passed. Run \`lab\` in a terminal to continue at ${stage.id}.`);
    return 0;
  }
  return tuiCommand(ctx, { open: stage.id });
}

/** `lab`: the terminal UI. Loaded lazily so plain commands start fast. */
export async function tuiCommand(ctx: CommandContext, options: { open?: string; presenter?: boolean } = {}): Promise<ExitCode> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new UsageError('The lab\'s interface needs a terminal.', 'Run `lab` in a terminal, or use `lab list`, `lab check` and `lab solve` from scripts.');
  }
  const lessons = ctx.lessons();
  const store = ctx.store();
  const { progress, warning } = store.load();
  const open = options.open ? resolveStage(lessons, options.open).id : undefined;
  // The interface's modules load while the engine is asked whether it answers.
  const [engineProblem, { startTui }, { watchTopology }, { followStageChecks }] = await Promise.all([
    ctx.docker().ping().then(
      () => undefined,
      (error: Error) => error.message,
    ),
    import('../../tui/load-interface.js').then(({ loadInterface }) => loadInterface()),
    import('../../runtime/topology.js'),
    import('../../live/follow-checks.js'),
  ]);
  const machine = labMachine.provide({ actors: createActors(lessons, ctx.lifecycle(), ctx.recorder()) });
  const stages = lessons.stages.map(({ id, requires, steps }) => ({ id, requires, steps }));
  const actor = createActor(machine, { input: { stages, progress, ...(open ? { open } : {}) } });
  const notes = [warning, engineProblem && `${engineProblem} Commands will fail until it answers; run \`lab doctor\`.`].filter(Boolean).join(' ');
  await startTui({ lessons, actor, feed: ctx.feed, color: ctx.out.color, presenter: Boolean(options.presenter), topology: (onChange) => watchTopology(ctx.docker(), onChange), live: (stage, onRound) => followStageChecks(stage, { docker: ctx.docker(), http: ctx.http(), progress: () => store.load().progress }, onRound), ...(notes ? { warning: notes } : {}) });
  return 0;
}
