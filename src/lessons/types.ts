import type { StageFile } from './schema.js';

/** A runnable step of a lesson: a fenced block marked `step=NAME`. The TUI runs exactly `command`. */
export interface Step {
  name: string;
  command: string;
  /** Runs until the learner stops it (a foreground server). */
  long: boolean;
}

/** A stage's challenge as loaded: the goal (challenge.md), the checks that judge it, and the reference solution's file. */
export interface Challenge {
  /** challenge.md: a `# Title` line, the goal, and `## Hints`; no commands. */
  markdown: string;
  title: string;
  checks: StageFile['checks'];
  /** challenge.solution.sh, absolute: run by `lab test`, never shown to the learner. */
  solutionFile: string;
}

export interface Stage extends Omit<StageFile, 'challenge'> {
  challenge?: Challenge;
  /** The folder's number prefix, accepted as an alias of the id. */
  number: number;
  dir: string;
  markdown: string;
  /** notes.md beside the lesson, shown only to a presenter (`lab --presenter`). */
  notes?: string;
  steps: Step[];
}

/** Every stage, in graph order: each after all it requires. */
export interface Lessons {
  dir: string;
  stages: Stage[];
}
