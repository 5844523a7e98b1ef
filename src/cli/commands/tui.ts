import { codeCacheCheckpoint } from '../code-cache-checkpoint.js';
import { createActor } from 'xstate';
import { createActors } from '../../actors/create-actors.js';
import { UsageError, type ExitCode } from '../../errors.js';
import { resolveStage } from '../../lessons/graph.js';
import { stateDir } from '../../progress/store.js';
import { labMachine } from '../../statechart/lab-machine.js';
import { loadInterface } from '../../tui/load-interface.js';
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

/**
 * `lab`: the terminal UI. Its first frame (the stage list) is drawn before anything that talks to
 * the engine loads: the engine's modules, the engine's answer to a ping, the live panel's and the
 * live checks' modules all come after it, and the stage's actors wait for them.
 */
export async function tuiCommand(ctx: CommandContext, options: { open?: string; presenter?: boolean } = {}): Promise<ExitCode> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new UsageError('The lab\'s interface needs a terminal.', 'Run `lab` in a terminal, or use `lab list`, `lab check` and `lab solve` from scripts.');
  }
  const lessons = ctx.lessons();
  const store = ctx.store();
  const { progress, warning } = store.load();
  const open = options.open ? resolveStage(lessons, options.open).id : undefined;
  const { startTui } = await loadInterface();
  let firstFrame!: () => void;
  const engine = new Promise<void>((resolve) => {
    firstFrame = resolve;
  }).then(() => ctx.loadEngine());
  const machine = labMachine.provide({ actors: createActors(lessons, () => engine.then(() => ctx.lifecycle()), ctx.recorder()) });
  const stages = lessons.stages.map(({ id, requires, steps }) => ({ id, requires, steps }));
  const actor = createActor(machine, { input: { stages, progress, ...(open ? { open } : {}) } });
  await startTui({
    lessons,
    actor,
    feed: ctx.feed,
    color: ctx.out.color,
    presenter: Boolean(options.presenter),
    onFirstFrame: () => {
      codeCacheCheckpoint();
      firstFrame();
    },
    engineProblem: () =>
      engine
        .then(() => ctx.docker().ping())
        .then(
          () => undefined,
          (error: Error) => `${error.message} Commands will fail until it answers; run \`lab doctor\`.`,
        ),
    topology: (onChange) => startLater(engine.then(async () => (await import('../../runtime/topology.js')).watchTopology(ctx.docker(), onChange))),
    live: (stage, onRound) => startLater(engine.then(async () => (await import('../../live/follow-checks.js')).followStageChecks(stage, { docker: ctx.docker(), http: ctx.http(), progress: () => store.load().progress }, onRound))),
    raiseHand: async () => (await import('../../class/client.js')).raiseHandFrom(stateDir()),
    ...(warning ? { warning } : {}),
  });
  return 0;
}

/** A follower that starts once its modules are loaded: returns how to stop it, whether it has started yet or not. */
function startLater(starting: Promise<() => void>): () => void {
  let stopped = false;
  let stop: (() => void) | undefined;
  starting.then(
    (started) => {
      if (stopped) started();
      else stop = started;
    },
    // The engine's modules did not load: the ping's notice says so.
    () => undefined,
  );
  return () => {
    stopped = true;
    stop?.();
  };
}
