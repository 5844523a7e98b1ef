import { Text } from 'ink';
import type { StepRun } from '../../statechart/lab-machine.js';
import { commandLine, padEnd, textWidth, truncate, windowStart } from '../layout.js';
import type { Theme } from '../theme.js';

export interface StepListProps {
  steps: { name: string; command: string }[];
  selected: number;
  /** The step running now, if one is. */
  running?: number;
  lastStep?: StepRun;
  width: number;
  /** Rows available; the list scrolls to keep the selected step in view. */
  height: number;
  theme: Theme;
}

/** Each step with its exact command (first line), the selected one highlighted. */
export function StepList({ steps, selected, running, lastStep, width, height, theme }: StepListProps) {
  const start = windowStart(steps.length, selected, height);
  const nameWidth = Math.min(18, Math.max(...steps.map((s) => textWidth(s.name))));
  const numberWidth = String(steps.length).length;
  return (
    <>
      {steps.slice(start, start + height).map((step, offset) => {
        const index = start + offset;
        const isSelected = index === selected;
        const mark = stepMark(index, running, lastStep, theme);
        const pointer = `${isSelected ? theme.pointer : ' '} `;
        const label = ` ${String(index + 1).padStart(numberWidth)} ${padEnd(truncate(step.name, nameWidth), nameWidth)}  `;
        const command = commandLine(step.command, width - textWidth(pointer + mark.icon + label));
        return (
          <Text key={index} wrap="truncate-end">
            <Text {...(isSelected ? theme.tone.selected : {})}>
              {pointer}
              <Text {...mark.tone}>{mark.icon}</Text>
              {label}
              <Text {...(isSelected ? {} : theme.tone.code)}>{command}</Text>
            </Text>
          </Text>
        );
      })}
    </>
  );
}

function stepMark(index: number, running: number | undefined, lastStep: StepRun | undefined, theme: Theme) {
  if (index === running) return { icon: '▸', tone: theme.tone.accent };
  if (lastStep?.index !== index) return { icon: ' ', tone: {} };
  if (lastStep.cancelled) return { icon: theme.stopped, tone: theme.tone.warning };
  if (lastStep.exitCode === undefined) return { icon: ' ', tone: {} };
  return lastStep.exitCode === 0 ? { icon: theme.checkIcon.pass, tone: theme.checkTone.pass } : { icon: theme.checkIcon.fail, tone: theme.checkTone.fail };
}
