import type { CheckResult, StageReport } from '../checks/types.js';
import type { QuizQuestion, StagePanel, WalkthroughFrame } from '../lessons/schema.js';
import type { Lessons, Stage } from '../lessons/types.js';
import type { LabEvent } from '../statechart/events.js';
import type { LabContext, StepRun } from '../statechart/lab-machine.js';
import { stageStatus, type Activity, type StageStatus } from '../statechart/selectors.js';
import { answersOf } from '../progress/record.js';
import type { QuizRecord } from '../progress/store.js';

/** A stage's challenge as the learner's last `lab check STAGE --challenge` left it (from any terminal). */
export type ChallengeVerdict = 'passed' | 'failed' | 'not tried';

/** The verdict, for a stage that has a challenge. */
function challengeVerdict(stage: Stage, progress: LabContext['progress']): { challenge?: ChallengeVerdict } {
  return stage.challenge ? { challenge: progress.stages[stage.id]?.challenge?.status ?? 'not tried' } : {};
}

/** A stage as the stage list shows it. */
export interface StageListItem {
  id: string;
  number: number;
  title: string;
  summary: string;
  status: StageStatus;
  /** The stages still to pass before this one opens. */
  lockedBy: string[];
  challenge?: ChallengeVerdict;
}

/** Everything the stage view shows; plain data, so the screen can be rendered from a fixture. */
export interface StageViewModel {
  id: string;
  number: number;
  title: string;
  status: StageStatus;
  /** Its challenge's verdict: the header turns green when the learner's own `lab check --challenge` passes. */
  challenge?: ChallengeVerdict;
  markdown: string;
  steps: { name: string; command: string; long?: boolean }[];
  checkTitles: string[];
  activity: Activity;
  problem?: string;
  notice?: string;
  /** When the current work began. */
  since?: number;
  /** The command running now (setup, a step, the solution). */
  command?: string;
  /** The tail of the output of the commands run since the last action. */
  output: string[];
  lastStep?: StepRun;
  /** The names of the steps that ran to their end in this session: their predictions are revealed. */
  stepsRun?: string[];
  /** Check results so far, by check index. */
  checkResults: (CheckResult | undefined)[];
  /** Set once a check run has finished. */
  passed?: boolean;
  /** The live panel the stage's lesson asks for (`panel:` in its stage.yaml). */
  livePanel: StagePanel;
  /** What the lower pane shows: command output, or check results. */
  panel: 'none' | 'output' | 'checks';
  /** What the learner last asked for; none yet when the lab opened straight into the stage. */
  origin?: LabEvent['type'];
  /** Set while live checks show in the check pane: when they last looked, and the drills they leave to c. */
  live?: { at: number; drillsLeft: number };
  /** Concept stages: frames to step through. */
  walkthrough?: WalkthroughFrame[];
  /** Concept stages: the questions, and the learner's latest answers by question id. */
  quiz?: { questions: QuizQuestion[]; answers: QuizRecord };
}

/**
 * Live checks in the check pane: each read-only check as the last round found it, a drill as the
 * learner's last check found it (live checks never run one). The stage shows as passed once every
 * check passes, the drills by the learner's own check.
 */
function liveView(stage: Stage, live: NonNullable<ActivityLog['live']>, report: StageReport | undefined): Partial<StageViewModel> {
  const checkResults = resultsByCheck(stage, live.report.results, report?.results ?? []);
  const drillsLeft = (live.report.skipped ?? []).filter((title) => report?.results.find((r) => r.title === title)?.status !== 'pass').length;
  const passed = live.report.passed && drillsLeft === 0 ? { passed: true } : {};
  return { checkResults, panel: 'checks', live: { at: live.at, drillsLeft }, ...passed };
}

/** Each check's result, by its title, from the first list that has one. */
const resultsByCheck = (stage: Stage, ...lists: CheckResult[][]): (CheckResult | undefined)[] =>
  stage.checks.map((check) => lists.map((results) => results.find((r) => r.title === check.title)).find(Boolean));

/** "finish single-host first", "finish a, b and c first". */
export function lockedReason(lockedBy: string[]): string {
  const names = lockedBy.length <= 1 ? lockedBy.join('') : `${lockedBy.slice(0, -1).join(', ')} and ${lockedBy.at(-1)}`;
  return `finish ${names} first`;
}

export function stageListItems(lessons: Lessons, context: Pick<LabContext, 'stages' | 'progress'>): StageListItem[] {
  return lessons.stages.map((stage) => ({
    id: stage.id,
    number: stage.number,
    title: stage.title,
    summary: stage.summary,
    status: stageStatus(context, stage.id),
    lockedBy: stage.requires.filter((id) => context.progress.stages[id]?.status !== 'passed'),
    ...challengeVerdict(stage, context.progress),
  }));
}

/** What the feed told the interface since the learner last asked for something. */
export interface ActivityLog {
  since?: number;
  command?: string;
  output: string[];
  checkResults: (CheckResult | undefined)[];
  panel: 'none' | 'output' | 'checks';
  origin?: LabEvent['type'];
  /** The last round of live checks of this stage (read-only checks, re-run on the engine's events). */
  live?: { report: StageReport; at: number };
}

export function stageViewModel(
  stage: Stage,
  context: LabContext,
  activity: Activity,
  log: ActivityLog,
  notice?: string,
): StageViewModel {
  const report = context.lastReport?.stageId === stage.id ? context.lastReport : undefined;
  // Live checks take the lower pane, except from the output of a step the learner ran (they are reading it).
  const readingStepOutput = log.panel === 'output' && log.origin === 'user.runStep';
  const live = activity === 'reading' && !readingStepOutput && log.live?.report.stageId === stage.id ? log.live : undefined;
  if (live) {
    const { passed: _lastVerdict, ...base } = stageViewModel(stage, context, activity, { ...log, live: undefined, panel: 'checks' }, notice);
    return { ...base, ...liveView(stage, live, report) };
  }
  const showsChecks = activity === 'checking' || log.panel === 'checks';
  const checkResults = showsChecks && activity !== 'checking' && report ? resultsByCheck(stage, report.results) : log.checkResults;
  return {
    id: stage.id,
    number: stage.number,
    title: stage.title,
    status: stageStatus(context, stage.id),
    ...challengeVerdict(stage, context.progress),
    markdown: withChallenge(stage),
    steps: stage.steps,
    stepsRun: (context.stepsRun?.[stage.id] ?? []).flatMap((index) => stage.steps[index]?.name ?? []),
    checkTitles: stage.checks.map((check) => check.title),
    livePanel: stage.panel,
    activity,
    output: log.output,
    checkResults,
    panel: showsChecks ? 'checks' : log.panel,
    ...(context.problem ? { problem: context.problem } : {}),
    ...(notice ? { notice } : {}),
    ...(log.since !== undefined ? { since: log.since } : {}),
    ...(log.command ? { command: log.command } : {}),
    ...(log.origin ? { origin: log.origin } : {}),
    ...(context.lastStep ? { lastStep: context.lastStep } : {}),
    ...(showsChecks && activity !== 'checking' && report ? { passed: report.passed } : {}),
    ...(stage.walkthrough ? { walkthrough: stage.walkthrough } : {}),
    ...(stage.quiz ? { quiz: { questions: stage.quiz, answers: answersOf(context.progress, stage.id) } } : {}),
  };
}

/**
 * The lesson, and the stage's challenge as its last part: the goal and hints (challenge.md, whose
 * `# Title` becomes a section), and how it is judged. The reference solution is never part of it.
 */
export function withChallenge(stage: Stage): string {
  const challenge = stage.challenge;
  if (!challenge) return stage.markdown;
  const body = challenge.markdown.replace(/^# .+\n+/m, '').replace(/^## Hints$/m, '### Hints').trimEnd();
  return `${stage.markdown.trimEnd()}\n\n## Challenge: ${challenge.title}\n\n${body}\n\nNo commands this time: the work is yours. When you think it is done, judge it (\`lab challenge ${stage.id}\` prints all this again):\n\n\`\`\`sh\nlab check ${stage.id} --challenge\n\`\`\`\n`;
}
