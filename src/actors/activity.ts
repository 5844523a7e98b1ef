import type { CheckResult } from '../checks/types.js';

/** Streamed while effects run; the TUI shows it, the machine never holds it. */
export type ActivityEvent =
  | { type: 'command.started'; command: string }
  | { type: 'command.output'; text: string }
  | { type: 'command.exited'; command: string; exitCode: number; durationMs: number; cancelled: boolean }
  | { type: 'check.finished'; index: number; result: CheckResult };

export type ActivityListener = (event: ActivityEvent) => void;

export interface ActivityFeed {
  emit(event: ActivityEvent): void;
  subscribe(listener: ActivityListener): () => void;
}

export function createActivityFeed(): ActivityFeed {
  const listeners = new Set<ActivityListener>();
  return {
    emit: (event) => listeners.forEach((listener) => listener(event)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
