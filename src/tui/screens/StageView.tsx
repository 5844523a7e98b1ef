import { Box, Text, useInput } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LabEvent } from '../../statechart/events.js';
import { letterRange } from '../../quiz/judge.js';
import type { Topology } from '../../runtime/topology.js';
import { ActivityPane, wantedActivityRows } from '../components/ActivityPane.js';
import { KeyHelp } from '../components/KeyHelp.js';
import { Lines, type Line } from '../components/Lines.js';
import { StepList } from '../components/StepList.js';
import { boardRowCount, TopologyBoard } from '../components/TopologyBoard.js';
import { showsTopology, stageTopology, topologyRowCount, TopologyPanel } from '../components/TopologyPanel.js';
import { moveQuestion, openQuiz, paneRows, pickAnswer, quizLines, walkthroughLines, type QuizPaneState } from '../concept-panes.js';
import { actionFor, eachKey, eventFor, keyHelp, QUIZ_LETTERS, type KeyAction, type KeyHelpItem } from '../keymap.js';
import { stageNumber, textWidth, truncate, wrap } from '../layout.js';
import { challengeBadge, statusLabel, type Theme } from '../theme.js';
import { markdownLines, useMarkdownRenderer } from '../markdown.js';
import { showPredictions } from '../../lessons/predictions.js';
import { useTerminalSize } from '../use-terminal-size.js';
import type { StageViewModel } from '../view-model.js';

export interface StageViewProps {
  model: StageViewModel;
  theme: Theme;
  onEvent: (event: LabEvent) => void;
  onQuit: () => void;
  /** The lab's containers as they are now, when the app follows them. */
  topology?: Topology;
  /** `lab --presenter`: the stage's notes in place of the lesson (n toggles), and the large topology board. */
  presenter?: { notes?: string };
}

type Confirmable = Extract<KeyAction, 'solve' | 'reset'>;

interface UiState {
  selected: number;
  scroll: number;
  /** An action waiting for its key to be pressed again. */
  confirm?: Confirmable;
  /** Presenter mode: the notes show rather than the lesson. */
  notes?: boolean;
  /** A concept stage's walkthrough or quiz, open over the lesson. */
  pane?: 'walkthrough' | 'quiz';
  /** The walkthrough's frame, kept when the pane closes. */
  frame: number;
  quiz: QuizPaneState;
}

const confirmText: Record<Confirmable, string> = {
  solve: 'Press s again to solve this stage: its setup and solution run, then its checks. Any other key cancels.',
  reset: "Press r again to reset this stage: its containers are removed and its progress forgotten. Any other key cancels.",
};

const MAX_STEP_ROWS = 5;
const MIN_LESSON_ROWS = 3;

/** One stage: the lesson, its steps with their exact commands, and what running or checking them did. */
export function StageView({ model, theme, onEvent, onQuit, topology, presenter }: StageViewProps) {
  const { rows, columns } = useTerminalSize();
  // Keys can arrive faster than frames: handlers read and write the ref, renders follow the state.
  const [ui, setUi] = useState<UiState>(() => ({ selected: Math.min(model.lastStep?.index ?? 0, Math.max(0, model.steps.length - 1)), scroll: 0, notes: Boolean(presenter?.notes), frame: 0, quiz: { question: 0 } }));
  const latest = useRef(ui);
  const update = (change: Partial<UiState>) => {
    latest.current = { ...latest.current, ...change };
    if (!('confirm' in change) && latest.current.confirm) delete latest.current.confirm;
    setUi(latest.current);
  };
  const { selected, confirm } = ui;
  const notes = ui.notes ? presenter?.notes : undefined;
  const rendered = useMarkdownRenderer();
  // A prediction's answer shows once its step has run.
  const stepsRun = model.stepsRun ?? [];
  const revealed = stepsRun.join('\0');
  const lesson = useMemo(
    () => markdownLines(notes ?? showPredictions(model.markdown, new Set(stepsRun)), columns, theme.color),
    [notes, model.markdown, revealed, columns, theme.color, rendered],
  );

  // After a step succeeds, the next one is the natural thing to run.
  useEffect(() => {
    const last = model.lastStep;
    if (last?.exitCode === 0 && !last.cancelled && latest.current.selected === last.index) {
      update({ selected: Math.min(last.index + 1, model.steps.length - 1) });
    }
  }, [model.lastStep, model.steps.length]);

  const panel = (presenter || showsTopology(model.livePanel, topology)) && topology ? stageTopology(model.livePanel, topology) : undefined;
  const wantedTopologyRows = panel ? (presenter ? boardRowCount(panel, columns, Math.floor((rows - 1) / 2), theme) : topologyRowCount(panel)) : 0;
  const layout = planLayout(model, rows, columns, confirm, theme, wantedTopologyRows);
  const maxScroll = Math.max(0, lesson.length - layout.lessonRows);
  const top = Math.min(ui.scroll, maxScroll);

  /** Keys while a walkthrough or quiz pane is open: they step, answer or close, and nothing else. */
  const paneKey = (pane: NonNullable<UiState['pane']>, input: string, action: KeyAction | undefined): void => {
    const { frame, quiz } = latest.current;
    if (action === 'close') return update({ pane: undefined });
    if (pane === 'walkthrough') {
      const last = (model.walkthrough?.length ?? 1) - 1;
      if (action === 'next') return update({ frame: Math.min(last, frame + 1) });
      if (action === 'previous') return update({ frame: Math.max(0, frame - 1) });
      return;
    }
    if (!model.quiz) return;
    const { questions, answers } = model.quiz;
    if (action === 'next' || action === 'previous') return update({ quiz: moveQuestion(quiz, questions.length, action === 'next' ? 1 : -1) });
    const choice = QUIZ_LETTERS.indexOf(input);
    const question = questions[quiz.question];
    if (action !== 'choose' || !question || choice < 0 || choice >= question.choices.length) return;
    // Recorded as `lab quiz --answer` records it; the machine keeps it in progress.
    onEvent({ type: 'user.answer', questionId: question.id, choice });
    update({ quiz: pickAnswer(quiz, questions, answers, choice) });
  };

  useInput((chunk, pressed) => eachKey(chunk, pressed, (input, key) => {
    const open = latest.current.pane;
    if (open) return paneKey(open, input, actionFor(open, model.activity, input, key));
    const action = actionFor('stage', model.activity, input, key);
    const { selected: current, scroll, confirm: pending } = latest.current;
    const page = Math.max(1, layout.lessonRows - 1);
    if (pending) update({});
    switch (action) {
      case 'up':
        return update({ selected: Math.max(0, current - 1) });
      case 'down':
        return update({ selected: Math.max(0, Math.min(model.steps.length - 1, current + 1)) });
      case 'pageDown':
        return update({ scroll: Math.min(maxScroll, Math.min(scroll, maxScroll) + page) });
      case 'pageUp':
        return update({ scroll: Math.max(0, Math.min(scroll, maxScroll) - page) });
      case 'solve':
      case 'reset':
        // Both replace what the learner built, so each asks for its key a second time.
        if (pending !== action) return update({ confirm: action });
        return onEvent(eventFor(action, {})!);
      case 'notes':
        return presenter?.notes ? update({ notes: !latest.current.notes, scroll: 0 }) : undefined;
      case 'walkthrough':
        return model.walkthrough ? update({ pane: 'walkthrough' }) : undefined;
      case 'quiz':
        return model.quiz ? update({ pane: 'quiz', quiz: openQuiz(model.quiz.questions, model.quiz.answers) }) : undefined;
      case 'quit':
        return onQuit();
      case undefined:
      case 'interrupt':
        return;
      default: {
        const event = eventFor(action, { stepIndex: current });
        if (event && (action !== 'run' || model.steps.length > 0)) onEvent(event);
      }
    }
  }));

  const offers = (action: KeyAction) => (action === 'walkthrough' ? Boolean(model.walkthrough) : action === 'quiz' ? Boolean(model.quiz) : true);
  if (ui.pane === 'walkthrough' && model.walkthrough) {
    const frame = Math.min(ui.frame, model.walkthrough.length - 1);
    return <Pane model={model} lines={walkthroughLines(model.walkthrough, frame, columns, theme)} help={keyHelp('walkthrough', model.activity)} rows={rows} columns={columns} theme={theme} />;
  }
  if (ui.pane === 'quiz' && model.quiz) {
    const { questions, answers } = model.quiz;
    const help = [{ keys: letterRange(questions[ui.quiz.question]!), help: 'answer' }, ...keyHelp('quiz', model.activity)];
    return <Pane model={model} lines={quizLines(questions, answers, ui.quiz, columns, theme)} help={help} rows={rows} columns={columns} theme={theme} />;
  }

  return (
    <Box flexDirection="column" height={rows - 1} width={columns}>
      <Header model={model} width={columns} theme={theme} />
      <Box flexDirection="column" height={layout.lessonRows} overflow="hidden">
        <Lines lines={lesson.slice(top, top + layout.lessonRows).map((text) => ({ text }))} />
      </Box>
      <Text wrap="truncate-end" {...theme.tone.muted}>
        {scrollRule(top, layout.lessonRows, lesson.length, columns, theme, notes ? 'presenter notes' : 'lesson', Boolean(presenter?.notes))}
      </Text>
      {panel && layout.topologyRows > 0 ? (
        presenter ? <TopologyBoard topology={panel} width={columns} height={layout.topologyRows} theme={theme} /> : <TopologyPanel topology={panel} width={columns} theme={theme} />
      ) : null}
      {model.steps.length > 0 ? (
        <StepList
          steps={model.steps}
          selected={selected}
          {...(model.activity === 'runningStep' && model.lastStep ? { running: model.lastStep.index } : {})}
          {...(model.lastStep ? { lastStep: model.lastStep } : {})}
          width={columns}
          height={layout.stepRows}
          theme={theme}
        />
      ) : (
        <Text wrap="truncate-end" {...theme.tone.muted}>This stage has no commands to run here: do it your way, then press c to check.</Text>
      )}
      <ActivityPane model={model} rows={layout.activityRows} width={columns} theme={theme} />
      <Lines lines={layout.messages} />
      <KeyHelp items={[...(presenter?.notes ? [{ keys: 'n', help: notes ? 'lesson' : 'notes' }] : []), ...keyHelp('stage', model.activity, offers)]} width={columns} theme={theme} />
    </Box>
  );
}

/** A walkthrough or quiz over the whole stage view: header, the pane's lines (cut to fit, and saying so), its keys. */
function Pane({ model, lines, help, rows, columns, theme }: { model: StageViewModel; lines: Line[]; help: KeyHelpItem[]; rows: number; columns: number; theme: Theme }) {
  const height = paneRows(rows);
  const shown = lines.length <= height ? lines : [...lines.slice(0, height - 1), { text: '… (a taller terminal shows the rest)', tone: theme.tone.muted }];
  return (
    <Box flexDirection="column" height={rows - 1} width={columns}>
      <Header model={model} width={columns} theme={theme} />
      <Box flexDirection="column" height={height} overflow="hidden">
        <Lines lines={shown} />
      </Box>
      <KeyHelp items={help} width={columns} theme={theme} />
    </Box>
  );
}

function Header({ model, width, theme }: { model: StageViewModel; width: number; theme: Theme }) {
  const status = statusLabel(model.status);
  const challenge = model.challenge ? challengeBadge(model.challenge, theme) : undefined;
  const room = width - textWidth(status) - 4 - (challenge ? textWidth(challenge.text) + 3 : 0);
  return (
    <Box width={width} justifyContent="space-between">
      <Text wrap="truncate-end" {...theme.tone.title}>
        {truncate(`${stageNumber(model.number)} ${model.title}`, room)}
      </Text>
      <Text>
        {challenge ? <Text {...challenge.tone}>{`${challenge.text} · `}</Text> : null}
        <Text {...theme.stageTone[model.status]}>{`${theme.stageIcon[model.status]} ${status}`}</Text>
      </Text>
    </Box>
  );
}

/** "── lesson 1–9 of 40 · space for more ──────", or a plain rule when the lesson fits (named, when it could be the notes). */
function scrollRule(top: number, height: number, total: number, width: number, theme: Theme, what: string, named: boolean): string {
  const last = Math.min(total, top + height);
  const more = last < total ? ' · space/PgDn for more' : top > 0 ? ' · b/PgUp to go back' : '';
  const info = total > height ? ` ${what} ${top + 1}–${last} of ${total}${more} ` : named ? ` ${what} ` : '';
  return theme.rule.repeat(2) + info + theme.rule.repeat(Math.max(0, width - 2 - textWidth(info)));
}

interface Layout {
  lessonRows: number;
  stepRows: number;
  topologyRows: number;
  activityRows: number;
  messages: Line[];
}

/** Splits the rows: fixed parts first, then the activity pane, and the lesson takes the rest. */
function planLayout(model: StageViewModel, rows: number, width: number, confirm: Confirmable | undefined, theme: Theme, wantedTopologyRows: number): Layout {
  const messages: Line[] = [
    ...(model.problem ? wrap(model.problem, width).slice(0, 3).map((text) => ({ text, tone: theme.tone.danger })) : []),
    ...(confirm ? wrap(confirmText[confirm], width).slice(0, 2).map((text) => ({ text, tone: theme.tone.warning })) : []),
    ...(model.notice ? wrap(model.notice, width).slice(0, 2).map((text) => ({ text, tone: theme.tone.warning })) : []),
  ];
  const stepRows = Math.max(1, Math.min(MAX_STEP_ROWS, model.steps.length));
  // Header, rule and help line.
  const available = rows - 1 - 3 - stepRows - messages.length;
  // The live topology comes out of the lesson's rows, and only while the lesson keeps its minimum.
  const topologyRows = wantedTopologyRows <= available - MIN_LESSON_ROWS ? wantedTopologyRows : 0;
  const room = Math.max(0, available - topologyRows - MIN_LESSON_ROWS);
  const activityRows = Math.min(room, wantedActivityRows(model, rows, width, theme));
  return { lessonRows: Math.max(1, available - topologyRows - activityRows), stepRows, topologyRows, activityRows, messages };
}

