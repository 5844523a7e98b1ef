import type { DockerClient } from './docker.js';

/** Actions that change what the lab can see (containers, networks, images); exec and health-check events do not. */
const RELEVANT_ACTIONS = new Set(['create', 'start', 'restart', 'die', 'stop', 'kill', 'destroy', 'rename', 'pause', 'unpause', 'oom', 'connect', 'disconnect', 'remove', 'update', 'push', 'tag', 'untag', 'delete', 'load', 'import']);

export interface EngineEventFilter {
  /** Event types: `container`, `network`, `service`… */
  types: string[];
  /** Only events of objects with these labels (`key=value`); all when absent. */
  labels?: string[];
}

/**
 * Pure: whether one line of the engine's event stream is a relevant change of an object the filter
 * admits (any type when `types` is empty; labels as `key=value`, read from the event's attributes,
 * where the engine puts a container's labels).
 */
export function eventMatches(line: string, filter: EngineEventFilter): boolean {
  try {
    const event = JSON.parse(line) as { Type?: string; Action?: string; status?: string; Actor?: { Attributes?: Record<string, string> } };
    const action = (event.Action ?? event.status ?? '').split(':')[0]!;
    if (!RELEVANT_ACTIONS.has(action)) return false;
    if (filter.types.length > 0 && !filter.types.includes(event.Type ?? '')) return false;
    const attributes = event.Actor?.Attributes ?? {};
    return (filter.labels ?? []).every((label) => {
      const [key, value] = label.split('=', 2) as [string, string | undefined];
      return value === undefined ? key in attributes : attributes[key] === value;
    });
  } catch {
    return false;
  }
}

/** The types every follower of the lab asks for: one stream carries them all. */
const SHARED_TYPES: ('container' | 'network' | 'image')[] = ['container', 'network', 'image'];

type Handlers = { onChange: () => void; onOpen?: () => void; onLost?: (error?: unknown) => void };
interface Follower {
  filter: EngineEventFilter;
  handlers: Handlers;
}
interface SharedStream {
  followers: Set<Follower>;
  /** Once it is open. */
  stream?: NodeJS.ReadableStream;
}

/** One event stream per engine client, opened for the first follower and closed after the last. */
const streams = new WeakMap<DockerClient, SharedStream>();

/**
 * Follows the engine's event stream (`docker events`) and calls `onChange` for each chunk that holds
 * a relevant change the filter admits (a burst arrives as one or a few calls: the caller debounces).
 * `onOpen` says the stream is open (a change made before that has no event: look once then),
 * `onLost` that it ended or never opened. Every follower of one engine client (the live panel, the
 * live checks) shares one stream. Returns how to stop.
 */
export function followEngineEvents(docker: DockerClient, filter: EngineEventFilter, handlers: Handlers): () => void {
  const follower: Follower = { filter, handlers };
  let shared = streams.get(docker);
  if (!shared) {
    shared = openShared(docker);
    streams.set(docker, shared);
  } else if (shared.stream) {
    queueMicrotask(() => {
      if (shared!.followers.has(follower)) handlers.onOpen?.();
    });
  }
  shared.followers.add(follower);
  const joined = shared;
  return () => {
    joined.followers.delete(follower);
    if (joined.followers.size > 0) return;
    if (streams.get(docker) === joined) streams.delete(docker);
    (joined.stream as { destroy?: () => void } | undefined)?.destroy?.();
    joined.stream = undefined;
  };
}

function openShared(docker: DockerClient): SharedStream {
  const shared: SharedStream = { followers: new Set() };
  const lost = (error?: unknown) => {
    if (streams.get(docker) === shared) streams.delete(docker);
    const followers = [...shared.followers];
    shared.followers.clear();
    for (const { handlers } of followers) handlers.onLost?.(error);
  };
  docker.api.getEvents({ filters: { type: SHARED_TYPES } }).then(
    (opened) => {
      if (shared.followers.size === 0) return (opened as { destroy?: () => void }).destroy?.();
      shared.stream = opened;
      let partial = '';
      opened.on('data', (chunk: Buffer | string) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const { filter, handlers } of [...shared.followers]) if (lines.some((line) => eventMatches(line, filter))) handlers.onChange();
      });
      opened.on('error', lost);
      opened.on('end', () => lost());
      for (const { handlers } of [...shared.followers]) handlers.onOpen?.();
    },
    lost,
  );
  return shared;
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
