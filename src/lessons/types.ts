import type { StageFile } from './schema.js';

/** A runnable step of a lesson: a fenced block marked `step=NAME`. The TUI runs exactly `command`. */
export interface Step {
  name: string;
  command: string;
  /** Runs until the learner stops it (a foreground server). */
  long: boolean;
}

export interface Stage extends StageFile {
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
