import { assign, fromCallback, fromPromise, sendTo, setup } from 'xstate';
import type { StageReport } from '../checks/types.js';
import type { Progress } from '../progress/store.js';
import type { LabEvent } from './events.js';

/** The part of a stage the machine needs: the graph, not the prose. */
export interface StageNode {
  id: string;
  requires: string[];
  steps: { name: string; command: string; long?: boolean }[];
}

export interface StepRun {
  index: number;
  exitCode?: number;
  durationMs?: number;
  cancelled?: boolean;
}

export interface LabContext {
  stages: StageNode[];
  progress: Progress;
  /** The open stage, while one is open. */
  current?: string;
  lastStep?: StepRun;
  /** The steps, by index, that ran to their end in this session (a long one: until the learner stopped it), per stage. */
  stepsRun?: Record<string, number[]>;
  lastReport?: StageReport;
  /** The last effect that failed, as a message for the learner. */
  problem?: string;
  /** Why progress could not be saved or read, until it can again. */
  progressProblem?: string;
}

/**
 * What the machine asks its `progress` actor to record. The rest is recorded by the stage's lifecycle
 * as it runs (opening, checks, reset); the machine's progress is only ever progress as saved.
 */
export type RecordRequest = { type: 'record.answer'; stageId: string; questionId: string; choice: number } | { type: 'record.livePass'; report: StageReport };

/** What the `progress` actor sends back. */
export type ProgressLinkEvent = Extract<LabEvent, { type: 'progress.saved' | 'progress.failed' }>;

export interface LabInput {
  stages: StageNode[];
  progress: Progress;
  open?: string;
}

/** Typed placeholders: `cli/` provides the real effects, tests provide fakes. */
const placeholder = <I, O>() => fromPromise<O, I>(async () => { throw new Error('actor not provided'); });

export const isUnlocked = (context: Pick<LabContext, 'stages' | 'progress'>, stageId: string): boolean => {
  const stage = context.stages.find((s) => s.id === stageId);
  return stage !== undefined && stage.requires.every((id) => context.progress.stages[id]?.status === 'passed');
};

export const labMachine = setup({
  types: {} as { context: LabContext; events: LabEvent; input: LabInput },
  actors: {
    prepareStage: placeholder<{ stageId: string }, void>(),
    runStep: placeholder<{ stageId: string; index: number }, { exitCode: number; durationMs: number; cancelled: boolean }>(),
    runChecks: placeholder<{ stageId: string }, StageReport>(),
    solveStage: placeholder<{ stageId: string }, void>(),
    resetStage: placeholder<{ stageId: string }, void>(),
    progress: fromCallback<RecordRequest, void, ProgressLinkEvent>(() => undefined),
  },
  guards: {
    canOpen: ({ context, event }) => event.type === 'user.open' && isUnlocked(context, event.stageId),
    hasStep: ({ context, event }) => {
      const stage = context.stages.find((s) => s.id === context.current);
      return event.type === 'user.runStep' && stage !== undefined && event.index >= 0 && event.index < stage.steps.length;
    },
    opensAtStart: ({ context }) => context.current !== undefined,
  },
  actions: {
    openStage: assign(({ context, event }) => ({ current: event.type === 'user.open' ? event.stageId : context.current!, lastReport: undefined, lastStep: undefined, problem: undefined })),
    closeStage: assign({ current: undefined, problem: undefined }),
    recordAnswer: sendTo('progress', ({ context, event }): RecordRequest => {
      const { questionId, choice } = event as Extract<LabEvent, { type: 'user.answer' }>;
      return { type: 'record.answer', stageId: context.current!, questionId, choice };
    }),
    clearProblem: assign({ problem: undefined }),
  },
}).createMachine({
  id: 'lab',
  context: ({ input }) => ({ stages: input.stages, progress: input.progress, ...(input.open ? { current: input.open } : {}) }),
  initial: 'starting',
  // Progress as saved, by this process's lifecycle or by another `lab` process, whatever the machine is doing.
  invoke: { id: 'progress', src: 'progress' },
  on: {
    'progress.saved': { actions: assign({ progress: ({ event }) => event.progress, progressProblem: undefined }) },
    'progress.failed': { actions: assign({ progressProblem: ({ event }) => event.message }) },
  },
  states: {
    // Opening straight into a stage (`lab goto`) or onto the stage list.
    starting: {
      always: [{ guard: 'opensAtStart', target: 'stage', actions: 'openStage' }, { target: 'browsing' }],
    },
    browsing: {
      on: { 'user.open': { guard: 'canOpen', target: 'stage', actions: 'openStage' } },
    },
    stage: {
      initial: 'preparing',
      on: { 'user.back': { target: 'browsing', actions: 'closeStage' } },
      states: {
        // The stage's setup commands (idempotent by contract) run each time it opens.
        preparing: {
          invoke: {
            src: 'prepareStage',
            input: ({ context }) => ({ stageId: context.current! }),
            onDone: 'reading',
            onError: { target: 'reading', actions: assign({ problem: ({ event }) => `Setting up the stage failed: ${messageOf(event.error)}` }) },
          },
        },
        reading: {
          on: {
            'user.runStep': { guard: 'hasStep', target: 'runningStep', actions: ['clearProblem', assign({ lastStep: ({ event }) => ({ index: (event as { index: number }).index }) })] },
            'user.check': { target: 'checking', actions: 'clearProblem' },
            'user.solve': { target: 'solving', actions: 'clearProblem' },
            'user.reset': { target: 'resetting', actions: 'clearProblem' },
            'user.answer': { actions: 'recordAnswer' },
            // Recorded once: live rounds go on after the pass, and a pass already saved needs no other.
            'live.passed': {
              guard: ({ context, event }) => event.report.stageId === context.current && context.progress.stages[context.current]?.status !== 'passed',
              actions: [assign({ lastReport: ({ event }) => event.report }), sendTo('progress', ({ event }): RecordRequest => ({ type: 'record.livePass', report: (event as Extract<LabEvent, { type: 'live.passed' }>).report }))],
            },
          },
        },
        runningStep: {
          invoke: {
            src: 'runStep',
            input: ({ context }) => ({ stageId: context.current!, index: context.lastStep!.index }),
            onDone: {
              target: 'reading',
              actions: assign(({ context, event }) => {
                const run = { index: context.lastStep!.index, ...event.output };
                return { lastStep: run, ...(run.exitCode === 0 && !run.cancelled ? { stepsRun: withStepRun(context, run.index) } : {}) };
              }),
            },
            onError: { target: 'reading', actions: assign({ problem: ({ event }) => `The step could not run: ${messageOf(event.error)}` }) },
          },
          on: {
            'user.stop': {
              target: 'reading',
              // A long step (a server in the foreground) runs until stopped: stopping it is its end.
              actions: assign(({ context }) => {
                const index = context.lastStep!.index;
                const long = context.stages.find((s) => s.id === context.current)?.steps[index]?.long === true;
                return { lastStep: { index, cancelled: true }, ...(long ? { stepsRun: withStepRun(context, index) } : {}) };
              }),
            },
          },
        },
        checking: {
          invoke: {
            src: 'runChecks',
            input: ({ context }) => ({ stageId: context.current! }),
            onDone: { target: 'reading', actions: assign({ lastReport: ({ event }) => event.output }) },
            onError: { target: 'reading', actions: assign({ problem: ({ event }) => `The checks could not run: ${messageOf(event.error)}` }) },
          },
        },
        solving: {
          invoke: {
            src: 'solveStage',
            input: ({ context }) => ({ stageId: context.current! }),
            onDone: 'checking',
            onError: { target: 'reading', actions: assign({ problem: ({ event }) => `Solving the stage failed: ${messageOf(event.error)}` }) },
          },
          on: { 'user.stop': 'reading' },
        },
        resetting: {
          invoke: {
            src: 'resetStage',
            input: ({ context }) => ({ stageId: context.current! }),
            onDone: { target: 'preparing', actions: assign(({ context }) => ({ lastReport: undefined, lastStep: undefined, stepsRun: { ...context.stepsRun, [context.current!]: [] } })) },
            onError: { target: 'reading', actions: assign({ problem: ({ event }) => `Resetting the stage failed: ${messageOf(event.error)}` }) },
          },
        },
      },
    },
  },
});

/** The open stage's steps run so far, with one more. */
function withStepRun(context: LabContext, index: number): Record<string, number[]> {
  const stage = context.current!;
  const done = context.stepsRun?.[stage] ?? [];
  return { ...context.stepsRun, [stage]: done.includes(index) ? done : [...done, index] };
}

/** The error's first line: what followed it (a command's last lines) is in the output pane already. */
function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
