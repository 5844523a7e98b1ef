import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createActivityFeed, type ActivityFeed } from '../actors/activity.js';
import { membershipPath } from '../class/membership.js';
import { withClassReporting } from '../class/reporting.js';
import { loadLessonsCached } from '../lessons/cached-lessons.js';
import type { Lessons } from '../lessons/types.js';
import type { StageLifecycle } from '../lifecycle/stage-lifecycle.js';
import { createProgressRecorder, type ProgressRecorder } from '../progress/recorder.js';
import { createProgressStore, stateDir, type ProgressStore } from '../progress/store.js';
import type { DockerClient } from '../runtime/docker.js';
import type { HttpClient } from '../runtime/http.js';
import { packageRoot } from '../runtime/paths.js';
import { dockerRepository } from '../runtime/repository.js';
import type { Shell } from '../runtime/shell.js';
import { createOutput, type Output } from './output.js';

export interface GlobalOptions {
  lessons?: string;
}

/** Everything a command may need, built lazily so `lab list` never touches Docker. */
export interface CommandContext {
  out: Output;
  root: string;
  lessons(): Lessons;
  docker(): DockerClient;
  shell(): Shell;
  http(): HttpClient;
  store(): ProgressStore;
  /** The one way a command writes progress. */
  recorder(): ProgressRecorder;
  feed: ActivityFeed;
  /** The stage lifecycle, recording as it goes; `{ records: false }` for `lab test`, which is nobody's progress. */
  lifecycle(options?: { records?: boolean }): StageLifecycle;
  /** Aborted on Ctrl-C so running commands stop cleanly. */
  signal: AbortSignal;
  /**
   * Reads the lessons (from the lesson cache when nothing changed) before a command runs, so that
   * lessons() can answer at once; a lesson error is kept and thrown by lessons(), by the commands
   * that need them only. It loads the engine's modules too, unless `engine` is false (the interface
   * draws its first frame before it loads them, with loadEngine()).
   */
  prepare(options?: { engine?: boolean }): Promise<void>;
  /** Loads what docker(), shell(), http() and lifecycle() are made of: the engine client, the shell, the checks. */
  loadEngine(): Promise<void>;
}

/**
 * In a class, any `lab` command first sends what an earlier one could not (the Wi-Fi was down, the
 * server restarting): in the background, never failing or holding up the command.
 */
let delivering = false;
function deliverClassQueue(): void {
  const dir = stateDir();
  if (delivering || !existsSync(membershipPath(dir))) return;
  delivering = true;
  void import('../class/client.js').then(({ deliverPending }) => deliverPending(dir, { timeoutMs: 1_500, deadlineMs: 3_000 })).catch(() => undefined);
}

/** The modules behind the engine, the shell and the stage lifecycle: a third of a command's start. */
async function importEngineModules() {
  const [{ createDockerClient }, { createShell }, { createEngineHttp }, { firstUseImages }, { createStageLifecycle }] = await Promise.all([
    import('../runtime/docker.js'),
    import('../runtime/shell.js'),
    import('../runtime/http.js'),
    import('../runtime/first-use.js'),
    import('../lifecycle/stage-lifecycle.js'),
  ]);
  return { createDockerClient, createShell, createEngineHttp, firstUseImages, createStageLifecycle };
}

export function lessonsDir(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(options.lessons ?? env.LAB_LESSONS_DIR ?? join(packageRoot, 'lessons'));
}

export function createContext(options: GlobalOptions, signal: AbortSignal): CommandContext {
  const once = <T>(make: () => T): (() => T) => {
    let value: T | undefined;
    return () => (value ??= make());
  };
  const feed = createActivityFeed();
  let modules: Awaited<ReturnType<typeof importEngineModules>> | undefined;
  const engine = () => {
    if (!modules) throw new Error('The engine was used before the context loaded its modules.');
    return modules;
  };
  const docker = once(() => engine().createDockerClient());
  const repository = once(() => dockerRepository());
  const shell = once(() => engine().createShell({ repository: repository() }));
  const http = once(() => engine().createEngineHttp(docker()));
  const store = once(() => createProgressStore());
  // In a class (`lab class join`), every check run recorded is also queued for the class board.
  const recorder = once(() => withClassReporting(createProgressRecorder(store()), dirname(store().path)));
  let loaded: { lessons: Lessons } | { error: unknown } | undefined;
  const lessons = (): Lessons => {
    if (!loaded) throw new Error('The lessons were read before the context was prepared.');
    if ('error' in loaded) throw loaded.error;
    return loaded.lessons;
  };
  const lifecycle = (records: boolean) =>
    engine().createStageLifecycle({
      shell: shell(),
      docker: docker(),
      observe: { docker: docker(), http: http(), progress: () => store().load().progress },
      feed,
      cwd: packageRoot,
      lessonsDir: lessonsDir(options),
      ensureImages: engine().firstUseImages({ shell: shell(), docker, root: packageRoot, repository: repository(), ...(process.env.LAB_IMAGE_BUNDLE ? { bundle: process.env.LAB_IMAGE_BUNDLE } : {}) }),
      ...(records ? { recorder: recorder() } : {}),
    });
  const recording = once(() => lifecycle(true));
  const unrecorded = once(() => lifecycle(false));
  return {
    out: createOutput(),
    root: packageRoot,
    lessons,
    async prepare({ engine: withEngine = true } = {}) {
      deliverClassQueue();
      const reading = loaded ? undefined : loadLessonsCached(lessonsDir(options)).then(
        (value) => ({ lessons: value }),
        (error: unknown) => ({ error }),
      );
      await Promise.all([withEngine ? this.loadEngine() : undefined, reading?.then((result) => (loaded ??= result))]);
    },
    async loadEngine() {
      modules ??= await importEngineModules();
    },
    docker,
    shell,
    http,
    store,
    feed,
    recorder,
    lifecycle: ({ records = true } = {}) => (records ? recording() : unrecorded()),
    signal,
  };
}
