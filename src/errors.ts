/**
 * The error kinds. A user-fixable error carries the next step and an exit code;
 * anything else is a bug, rendered with its stack by the top-level handler.
 */
export type ExitCode = 0 | 1 | 2 | 3;

export abstract class LabError extends Error {
  abstract readonly exitCode: ExitCode;
  /** What to do next, in the imperative. */
  readonly next: string | undefined;

  constructor(message: string, next?: string) {
    super(message);
    this.name = new.target.name;
    this.next = next;
  }
}

/** Bad command-line input: an unknown stage, a bad number, a missing argument. */
export class UsageError extends LabError {
  readonly exitCode = 2;
}

/** A lesson folder that does not validate; names the file and the field. */
export class LessonError extends LabError {
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${file}: ${field}: ${problem}`, 'Fix the lesson file, then run the command again.');
  }
}

/** The environment is not ready: no Docker engine, a port already taken, a missing tool. */
export class EnvironmentError extends LabError {
  readonly exitCode = 3;
}

export const isLabError = (error: unknown): error is LabError => error instanceof LabError;
