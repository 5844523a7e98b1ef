import type { DockerClient } from './docker.js';

/** Actions that change what the lab can see (containers, networks, images); exec and health-check events do not. */
const RELEVANT_ACTIONS = new Set(['create', 'start', 'restart', 'die', 'stop', 'kill', 'destroy', 'rename', 'pause', 'unpause', 'oom', 'connect', 'disconnect', 'remove', 'update', 'push', 'tag', 'untag', 'delete', 'load', 'import']);

export interface EngineEventFilter {
  /** Event types: `container`, `network`, `service`… */
  types: string[];
  /** Only events of objects with these labels (`key=value`); all when absent. */
  labels?: string[];
}

/** Pure: whether one line of the engine's event stream is a change worth a look. */
export function isRelevantEvent(line: string): boolean {
  try {
    const event = JSON.parse(line) as { Action?: string; status?: string };
    const action = (event.Action ?? event.status ?? '').split(':')[0]!;
    return RELEVANT_ACTIONS.has(action);
  } catch {
    return false;
  }
}

/**
 * Follows the engine's event stream (`docker events`) and calls `onChange` for each chunk that holds
 * a relevant change (a burst arrives as one or a few calls: the caller debounces). `onOpen` says the
 * stream is open (a change made before that has no event: look once then), `onLost` that it ended
 * or never opened. Returns how to stop.
 */
export function followEngineEvents(
  docker: DockerClient,
  filter: EngineEventFilter,
  handlers: { onChange: () => void; onOpen?: () => void; onLost?: (error?: unknown) => void },
): () => void {
  let stopped = false;
  let stream: NodeJS.ReadableStream | undefined;
  const lost = (error?: unknown) => {
    if (stopped) return;
    stopped = true;
    handlers.onLost?.(error);
  };
  const filters: Record<string, string[]> = { type: filter.types, ...(filter.labels ? { label: filter.labels } : {}) };
  docker.api.getEvents({ filters }).then(
    (opened) => {
      if (stopped) return (opened as { destroy?: () => void }).destroy?.();
      stream = opened;
      let partial = '';
      opened.on('data', (chunk: Buffer | string) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        if (lines.some(isRelevantEvent)) handlers.onChange();
      });
      opened.on('error', lost);
      opened.on('end', () => lost());
      handlers.onOpen?.();
    },
    lost,
  );
  return () => {
    stopped = true;
    (stream as { destroy?: () => void } | undefined)?.destroy?.();
    stream = undefined;
  };
}

/** Runs `task` one at a time; a call while it runs asks for one more run after it. Never rejects. */
export function serial(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = async () => {
    running = true;
    do {
      again = false;
      await task().catch(() => undefined);
    } while (again);
    running = false;
  };
  return () => {
    if (running) again = true;
    else void run();
  };
}
