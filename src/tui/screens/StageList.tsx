import { Box, Text, useInput } from 'ink';
import { useRef, useState } from 'react';
import type { LabEvent } from '../../statechart/events.js';
import { KeyHelp } from '../components/KeyHelp.js';
import { Lines } from '../components/Lines.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { StatusIcon } from '../components/StatusIcon.js';
import { actionFor, eachKey, eventFor, keyHelp } from '../keymap.js';
import { stageNumber, truncate, windowStart, wrap } from '../layout.js';
import { challengeBadge, statusLabel, type Theme } from '../theme.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { lockedReason, type ChallengeVerdict, type StageListItem } from '../view-model.js';

export interface StageListProps {
  items: StageListItem[];
  /** The stage to select first: the one the learner was last in. */
  selectedId?: string;
  /** Said at the top, e.g. that the progress file was unreadable. */
  warning?: string;
  notice?: string;
  /** Marks the instructor's projected session. */
  presenter?: boolean;
  theme: Theme;
  onEvent: (event: LabEvent) => void;
  onQuit: () => void;
}

/** The track: every stage with its status, the overall progress, and why a stage is locked. */
export function StageList({ items, selectedId, warning, notice, presenter = false, theme, onEvent, onQuit }: StageListProps) {
  const { rows, columns } = useTerminalSize();
  const [selected, setSelected] = useState(() => initialSelection(items, selectedId));
  // Keys can arrive faster than frames: the handler reads the ref, not the last render's state.
  const latest = useRef(selected);
  const select = (index: number) => setSelected((latest.current = index));
  const [refused, setRefused] = useState<string>();
  const current = items[selected];

  useInput((chunk, pressed) => eachKey(chunk, pressed, (input, key) => {
    const action = actionFor('list', 'browsing', input, key);
    const item = items[latest.current];
    if (action !== 'open') setRefused(undefined);
    if (action === 'up') select(Math.max(0, latest.current - 1));
    else if (action === 'down') select(Math.min(items.length - 1, latest.current + 1));
    else if (action === 'quit') onQuit();
    else if (action === 'open' && item) {
      // The machine refuses a locked stage; the list says why.
      if (item.status === 'locked') setRefused(`Can't open ${item.id} yet: ${lockedReason(item.lockedBy)}.`);
      const event = eventFor('open', { stageId: item.id });
      if (event) onEvent(event);
    }
  }));

  const passed = items.filter((item) => item.status === 'passed').length;
  const warningLines = warning ? wrap(warning, columns).slice(0, 3) : [];
  const details = current ? detailLines(current, refused ?? notice, columns, theme) : [];
  // Title, progress, two blank rows and the help line, then the warning and the selected stage's details.
  const listHeight = Math.max(1, rows - 1 - 5 - warningLines.length - details.length);
  const start = windowStart(items.length, selected, listHeight);

  return (
    <Box flexDirection="column" height={rows - 1} width={columns}>
      <Text wrap="truncate-end">
        <Text {...theme.tone.title}>dockerlab</Text>
        <Text {...theme.tone.muted}> · scale a service with Docker, stage by stage{presenter ? ' · presenter' : ''}</Text>
      </Text>
      <Lines lines={warningLines.map((text) => ({ text, tone: theme.tone.warning }))} />
      <ProgressBar done={passed} total={items.length} width={Math.max(10, Math.min(40, columns - 20))} theme={theme} />
      <Text> </Text>
      {items.slice(start, start + listHeight).map((item, offset) => {
        const isSelected = start + offset === selected;
        return (
          <Text key={item.id} wrap="truncate-end" {...(item.status === 'locked' && !isSelected ? theme.tone.muted : {})}>
            <Text {...(isSelected ? theme.tone.selected : {})}>{isSelected ? theme.pointer : ' '} </Text>
            <StatusIcon status={item.status} theme={theme} />
            <Text {...(isSelected ? theme.tone.selected : {})}>{truncate(`${stageNumber(item.number)} ${item.title}`, columns - 6)}</Text>
            <Text {...theme.tone.muted}>{`  ${item.id}`}</Text>
            {item.challenge ? <ChallengeBadge verdict={item.challenge} theme={theme} /> : null}
          </Text>
        );
      })}
      <Text> </Text>
      <Lines lines={details} />
      <Box flexGrow={1} />
      <KeyHelp items={keyHelp('list', 'browsing')} width={columns} theme={theme} />
    </Box>
  );
}

function initialSelection(items: StageListItem[], selectedId: string | undefined): number {
  const byId = items.findIndex((item) => item.id === selectedId);
  if (byId >= 0) return byId;
  const next = items.findIndex((item) => item.status !== 'passed' && item.status !== 'locked');
  return Math.max(0, next);
}

/** The selected stage's summary and status, why it is locked, and any refusal. */
function detailLines(item: StageListItem, notice: string | undefined, width: number, theme: Theme) {
  const status = item.status === 'locked' ? `Locked: ${lockedReason(item.lockedBy)}.` : capitalize(statusLabel(item.status));
  return [
    ...wrap(item.summary, width).slice(0, 3).map((text) => ({ text })),
    { text: `${theme.stageIcon[item.status]} ${status}`, tone: theme.stageTone[item.status] },
    ...(notice ? wrap(notice, width).slice(0, 2).map((text) => ({ text, tone: theme.tone.warning })) : []),
  ];
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** "  challenge ✔" after a stage that has one. */
function ChallengeBadge({ verdict, theme }: { verdict: ChallengeVerdict; theme: Theme }) {
  const { text, tone } = challengeBadge(verdict, theme);
  return <Text {...tone}>{`  ${text}`}</Text>;
}
