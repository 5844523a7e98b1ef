import { runStageChecks, type CheckScope } from '../checks/run-checks.js';
import type { ObserveContext, StageReport } from '../checks/types.js';
import { LabError } from '../errors.js';
import type { Challenge, Stage } from '../lessons/types.js';
import { removeAllCertPaths } from '../machines/tls.js';
import type { DockerClient, RemovedResources } from '../runtime/docker.js';
import { ensurePortsAvailable } from '../runtime/ports.js';
import { shellQuote, type CommandResult, type Shell } from '../runtime/shell.js';
import type { ActivityFeed } from '../actors/activity.js';
import { failuresOf } from '../progress/record.js';
import type { ProgressRecorder } from '../progress/recorder.js';
import { LABEL_STAGE, MANAGED_FILTER } from '../runtime/names.js';

/** A command of a stage's setup, solve or cleanup list that failed, with the last lines it printed. */
export class StageCommandError extends LabError {
  readonly exitCode = 1;
  constructor(
    readonly result: CommandResult,
    readonly lastLines: string[] = [],
  ) {
    super(
      `\`${result.command}\` exited with code ${result.exitCode}.${lastLines.length > 0 ? ` Its last lines:\n${lastLines.map((line) => `  ${line}`).join('\n')}` : ''}`,
      'Read its output above; `lab doctor` checks the engine and images.',
    );
  }
}

/** Callers ask only of a stage with a challenge (the CLI says so through challengeOf first): one without is a bug. */
function requireChallenge(stage: Stage): Challenge {
  if (!stage.challenge) throw new Error(`Stage ${stage.id} has no challenge: its caller should have asked challengeOf first.`);
  return stage.challenge;
}

/** The last lines a command printed, for the error that names it. */
function tailOf(text: string, lines = 8): string[] {
  return text.split(/\r?\n|\r/).map((line) => line.trimEnd()).filter(Boolean).slice(-lines);
}

export interface StageLifecycleDeps {
  shell: Shell;
  docker: DockerClient;
  observe: ObserveContext;
  feed: ActivityFeed;
  /** Where commands run: the lab's folder, as if the learner typed them there. */
  cwd: string;
  /** The lessons in use, passed on to the `lab` commands a step runs (LAB_LESSONS_DIR). */
  lessonsDir?: string;
  /**
   * Builds (or, where no registry answers, makes from Debian's archive) the images a stage declares
   * and the engine lacks, saying what it does; resolves at once when all are there.
   */
  ensureImages?: (references: string[], report: (text: string) => void, signal?: AbortSignal) => Promise<void>;
  /**
   * Where what happens is recorded as the learner's progress: opening a stage, each check run, a
   * reset. Without it (`lab test`, which proves the track and is nobody's progress) nothing is.
   */
  recorder?: ProgressRecorder;
}

/**
 * A stage's lifecycle (ports → images → setup → solve → check → record; reset), the one the CLI
 * commands, the interface's actors and `lab test` all run.
 */
export function createStageLifecycle({ shell, docker, observe, feed, cwd, lessonsDir, ensureImages, recorder }: StageLifecycleDeps) {
  /** `stageId`: the stage the command belongs to, as LAB_STAGE (a `lab machine create` in it labels its machines so). */
  async function runCommand(command: string, signal?: AbortSignal, stageId?: string): Promise<CommandResult & { output: string }> {
    feed.emit({ type: 'command.started', command });
    let output = '';
    const onOutput = (text: string) => {
      output = (output + text).slice(-4_000);
      feed.emit({ type: 'command.output', text });
    };
    const result = await shell.run(command, { cwd, signal, onOutput, env: { ...(stageId ? { LAB_STAGE: stageId } : {}), ...(lessonsDir ? { LAB_LESSONS_DIR: lessonsDir } : {}) } });
    feed.emit({ type: 'command.exited', command, exitCode: result.exitCode, durationMs: result.durationMs, cancelled: result.cancelled });
    return { ...result, output };
  }

  /** First use of a stage on this engine: what it runs is built before its commands need it. */
  async function haveImages(stage: Stage, signal: AbortSignal | undefined): Promise<void> {
    if (!ensureImages || stage.images.length === 0) return;
    await ensureImages(stage.images, (text) => feed.emit({ type: 'command.output', text }), signal);
  }

  async function runAll(commands: string[], signal: AbortSignal | undefined, stageId: string): Promise<void> {
    for (const command of commands) {
      const result = await runCommand(command, signal, stageId);
      if (result.cancelled) return;
      if (result.exitCode !== 0) throw new StageCommandError(result, tailOf(result.output));
    }
  }

  async function prepare(stage: Stage, signal?: AbortSignal): Promise<void> {
    await ensurePortsAvailable(stage.ports, docker);
    await haveImages(stage, signal);
    await runAll(stage.setup, signal, stage.id);
  }

  return {
    runCommand,
    /** The stage's ports free, its images there, its setup run (idempotent by contract). */
    prepare,
    /** Opening a stage (`lab watch`, the interface): recorded as started and current, then prepared. */
    async open(stage: Stage, signal?: AbortSignal): Promise<void> {
      recorder?.started(stage.id);
      await prepare(stage, signal);
    },
    /** What a learner would do: the setup, then the solution, in order (the ports checked first, as for prepare). */
    async solve(stage: Stage, signal?: AbortSignal): Promise<void> {
      recorder?.started(stage.id);
      await ensurePortsAvailable(stage.ports, docker);
      await haveImages(stage, signal);
      await runAll([...stage.setup, ...stage.solve], signal, stage.id);
    },
    /**
     * The stage's checks, their hints picked by how often each failed in a row, and the report
     * recorded. Scope `all` (the default) runs the stage's drills too: only when the learner asked
     * for this stage's check.
     */
    async check(stage: Stage, scope: CheckScope = 'all'): Promise<StageReport> {
      const previousFailures = recorder ? failuresOf(recorder.read(), stage.id) : {};
      const report = await runStageChecks(stage, observe, (result, index) => feed.emit({ type: 'check.finished', index, result }), previousFailures, scope);
      recorder?.reported(report);
      return report;
    },
    /** The stage's challenge judged by its own checks, and recorded beside the stage's status (not as it). */
    async checkChallenge(stage: Stage): Promise<StageReport> {
      const challenge = requireChallenge(stage);
      const report = await runStageChecks({ ...stage, checks: challenge.checks }, observe, (result, index) => feed.emit({ type: 'check.finished', index, result }), {}, 'all');
      recorder?.challengeReported(report);
      return report;
    },
    /** The challenge's reference solution (`lab test`): challenge.solution.sh, run from the lab's folder as a stage command. */
    async solveChallenge(stage: Stage, signal?: AbortSignal): Promise<void> {
      await runAll([`bash ${shellQuote(requireChallenge(stage).solutionFile)}`], signal, stage.id);
    },
    /** The stage's cleanup commands, then whatever still carries its stage label; its progress is forgotten. */
    async reset(stage: Stage, signal?: AbortSignal): Promise<RemovedResources> {
      await docker.ping();
      await runAll(stage.cleanup, signal, stage.id);
      const removed = await docker.removeByLabel([MANAGED_FILTER, `${LABEL_STAGE}=${stage.id}`]);
      recorder?.forgot([stage.id]);
      return removed;
    },
    /** Everything the lab made, by label only. Progress is the learner's to clear (`lab reset --all` does). */
    async resetAll(): Promise<RemovedResources> {
      const removed = await docker.removeByLabel([MANAGED_FILTER]);
      // The machines are gone: so is what `lab machine env` kept to reach them.
      removeAllCertPaths();
      return removed;
    },
  };
}

export type StageLifecycle = ReturnType<typeof createStageLifecycle>;
