import { useApp, useInput } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Actor } from 'xstate';
import type { ActivityEvent, ActivityFeed } from '../actors/activity.js';
import type { CheckResult, StageReport } from '../checks/types.js';
import type { LiveRound } from '../live/follow-checks.js';
import type { Lessons, Stage } from '../lessons/types.js';
import type { LabEvent } from '../statechart/events.js';
import type { labMachine } from '../statechart/lab-machine.js';
import { activityOf } from '../statechart/selectors.js';
import type { Topology } from '../runtime/topology.js';
import { watchesTopology } from './components/TopologyPanel.js';
import { actionFor, eachKey } from './keymap.js';
import { loadMarkdown } from './markdown.js';
import { OutputBuffer } from './output-buffer.js';
import { StageList } from './screens/StageList.js';
import { StageView } from './screens/StageView.js';
import { createTheme } from './theme.js';
import { stageListItems, stageViewModel, type ActivityLog } from './view-model.js';

export interface AppProps {
  lessons: Lessons;
  /** Created, not yet started: the app subscribes first so no feed event is missed. */
  actor: Actor<typeof labMachine>;
  feed: ActivityFeed;
  warning?: string;
  color: boolean;
  presenter?: boolean;
  /** Told when the learner quits, just before the app exits. */
  onQuit?: () => void;
  /** The clock behind elapsed times and the double Ctrl-C; tests may set it. */
  now?: () => number;
  /** Follows the lab's containers for the live panel: calls back on each change, returns how to stop. */
  topology?: TopologySource;
  /** Live checks of a stage (src/live/follow-checks.ts): calls back with each round, returns how to stop. */
  live?: LiveSource;
  /** Called once the first frame is drawn: what that frame does not need loads then. */
  onFirstFrame?: () => void;
  /** Asked once the first frame is drawn: why the engine does not answer, if it does not. */
  engineProblem?: () => Promise<string | undefined>;
  /** `?`: raises the learner's hand on the class board; resolves with what to tell the learner. */
  raiseHand?: () => Promise<string>;
}

export type TopologySource = (onChange: (topology: Topology) => void) => () => void;
export type LiveSource = (stage: Stage, onRound: (round: LiveRound) => void) => () => void;

const OUTPUT_TAIL = 100;
const OUTPUT_REDRAW_MS = 50;
const DOUBLE_PRESS_MS = 1000;

interface LogState {
  buffer: OutputBuffer;
  since?: number;
  command?: string;
  checkResults: (CheckResult | undefined)[];
  panel: ActivityLog['panel'];
  origin?: LabEvent['type'];
  live?: { report: StageReport; at: number };
}

/** The one place that talks to the lab: it follows the actor and the feed, and sends what keys ask for. */
export function App({ lessons, actor, feed, warning, color, presenter = false, onQuit, now = Date.now, topology: followTopology, live: followLive, onFirstFrame, engineProblem, raiseHand }: AppProps) {
  const app = useApp();
  const exit = useCallback(() => {
    onQuit?.();
    app.exit();
  }, [app, onQuit]);
  const theme = useMemo(() => createTheme(color), [color]);
  const snapshot = useSyncExternalStore(
    useCallback((onChange: () => void) => {
      const subscription = actor.subscribe({ next: onChange, error: onChange });
      return () => subscription.unsubscribe();
    }, [actor]),
    () => actor.getSnapshot(),
  );
  const log = useRef<LogState>({ buffer: new OutputBuffer(), checkResults: [], panel: 'none' });
  const [, redraw] = useState(0);
  const [notice, setNotice] = useState<string>();
  const [interruptHint, setInterruptHint] = useState<string>();
  const lastInterrupt = useRef(Number.NEGATIVE_INFINITY);

  // Subscribed before the actor starts, so the first stage's setup output is not missed.
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const show = () => redraw((n) => n + 1);
    // Output can stream fast; it is drawn at most every OUTPUT_REDRAW_MS.
    const showSoon = () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        show();
      }, OUTPUT_REDRAW_MS);
    };
    const unsubscribe = feed.subscribe((event) => (record(log.current, event, now) ? show() : showSoon()));
    return () => {
      unsubscribe();
      if (pending) clearTimeout(pending);
    };
  }, [feed, now]);

  // Effects run once ink has drawn the first frame: then comes what it did not need.
  const [engineNote, setEngineNote] = useState<string>();
  useEffect(() => {
    let mounted = true;
    const later = setTimeout(() => {
      onFirstFrame?.();
      void loadMarkdown();
      void engineProblem?.().then((problem) => {
        if (mounted && problem) setEngineNote(problem);
      });
    }, 0);
    return () => {
      mounted = false;
      clearTimeout(later);
    };
  }, []);

  // Progress reaches the machine through its own `progress` actor (src/actors/create-actors.ts).
  useEffect(() => {
    const subscription = actor.subscribe({ error: (error) => setNotice(`The lab stopped: ${error instanceof Error ? error.message : String(error)}`) });
    actor.start();
    return () => subscription.unsubscribe();
  }, [actor]);

  const activity = activityOf(snapshot);
  const { context } = snapshot;
  const stage = activity === 'browsing' ? undefined : lessons.stages.find((s) => s.id === context.current);

  // The engine is followed only while a stage with the live panel is open.
  const [topology, setTopology] = useState<Topology>();
  const watching = Boolean(followTopology && stage && (presenter || watchesTopology(stage.panel)));
  useEffect(() => {
    if (!watching || !followTopology) return undefined;
    const stop = followTopology(setTopology);
    return () => {
      stop();
      setTopology(undefined);
    };
  }, [watching, followTopology]);

  // Live checks run while the open stage waits for the learner (nothing of the lab's own is running):
  // each round shows in place, and a round where every check passes records the stage.
  const liveStage = activity === 'reading' && stage ? stage : undefined;
  useEffect(() => {
    if (!followLive || !liveStage) return undefined;
    const stop = followLive(liveStage, (round) => {
      log.current.live = { report: round.report, at: now() };
      redraw((n) => n + 1);
      if (round.stagePassed) actor.send({ type: 'live.passed', report: round.report });
    });
    return () => {
      stop();
      delete log.current.live;
    };
  }, [followLive, liveStage, actor, now]);

  const send = useCallback(
    (event: LabEvent) => {
      setNotice(undefined);
      setInterruptHint(undefined);
      // Stopping, going back and answering a quiz question begin nothing: what the last action printed stays.
      if (event.type !== 'user.stop' && event.type !== 'user.back' && event.type !== 'user.answer') startAction(log.current, event, now());
      actor.send(event);
    },
    [actor, now],
  );

  // Ctrl-C stops what can be stopped; pressed twice within a second, or when nothing runs, it quits.
  useInput((chunk, pressed) => eachKey(chunk, pressed, (input, key) => {
    const action = actionFor(stage ? 'stage' : 'list', activity, input, key);
    if (action === 'hand' && raiseHand) {
      void raiseHand().then(setNotice, (error: unknown) => setNotice(`Your hand is not raised: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    if (action !== 'interrupt') return setInterruptHint(undefined);
    const at = now();
    const twice = at - lastInterrupt.current < DOUBLE_PRESS_MS;
    lastInterrupt.current = at;
    if (twice || activity === 'browsing' || activity === 'reading') return exit();
    if (activity === 'runningStep' || activity === 'solving') {
      actor.send({ type: 'user.stop' });
      setInterruptHint('Stopped. Press Ctrl-C again within a second to quit the lab.');
    } else {
      setInterruptHint("This can't be stopped halfway. Press Ctrl-C again within a second to quit the lab.");
    }
  }));

  const message = [notice, context.progressProblem, interruptHint].filter(Boolean).join(' ') || undefined;
  const warnings = [warning, engineNote].filter(Boolean).join(' ');
  if (!stage) {
    return (
      <StageList
        items={stageListItems(lessons, context)}
        {...(context.progress.current ? { selectedId: context.progress.current } : {})}
        {...(warnings ? { warning: warnings } : {})}
        {...(message ? { notice: message } : {})}
        presenter={presenter}
        theme={theme}
        onEvent={send}
        onQuit={exit}
      />
    );
  }
  const current = log.current;
  const model = stageViewModel(
    stage,
    context,
    activity,
    {
      output: current.buffer.tail(OUTPUT_TAIL),
      checkResults: current.checkResults,
      panel: current.panel,
      ...(current.since !== undefined ? { since: current.since } : {}),
      ...(current.command ? { command: current.command } : {}),
      ...(current.origin ? { origin: current.origin } : {}),
      ...(current.live ? { live: current.live } : {}),
    },
    message,
  );
  // Notes reach the stage view only in presenter mode.
  const presenting = presenter ? { presenter: stage.notes ? { notes: stage.notes } : {} } : {};
  return <StageView key={stage.id} model={model} theme={theme} onEvent={send} onQuit={exit} {...(topology ? { topology } : {})} {...presenting} />;
}

/** A new action begins: what the last one printed gives way to what this one will. */
function startAction(log: LogState, event: LabEvent, at: number): void {
  log.buffer.clear();
  log.checkResults = [];
  delete log.command;
  log.since = at;
  log.panel = event.type === 'user.check' ? 'checks' : 'none';
  log.origin = event.type;
}

/** Folds a feed event into the log; true when it should show at once, false when it can wait a frame. */
function record(log: LogState, event: ActivityEvent, now: () => number): boolean {
  switch (event.type) {
    case 'command.started': {
      const [first = '', ...rest] = event.command.split('\n');
      log.buffer.note(`$ ${first}`);
      for (const line of rest) log.buffer.note(`> ${line}`);
      log.command = event.command;
      log.since ??= now();
      log.panel = 'output';
      return true;
    }
    case 'command.output':
      log.buffer.append(event.text);
      return false;
    case 'command.exited':
      delete log.command;
      return true;
    case 'check.finished':
      log.checkResults = Object.assign([...log.checkResults], { [event.index]: event.result });
      log.panel = 'checks';
      return true;
  }
}
