import { Box } from 'ink';
import type { StepRun } from '../../statechart/lab-machine.js';
import { clockTime } from '../../format.js';
import { formatDuration } from '../layout.js';
import type { Theme } from '../theme.js';
import type { StageViewModel } from '../view-model.js';
import { CheckList, checkLines } from './CheckList.js';
import { CommandOutput } from './CommandOutput.js';
import { Lines, type Line } from './Lines.js';
import { RunStatus } from './RunStatus.js';

const busy = (model: StageViewModel) => model.activity !== 'reading' && model.activity !== 'browsing';

/**
 * While work runs, output gets a steady share of the screen, so the lesson does not jump as lines
 * arrive; once it is done, the pane shrinks to what the output needs and the lesson gets the rest.
 */
export function wantedActivityRows(model: StageViewModel, rows: number, width: number, theme: Theme): number {
  const status = busy(model) || resultLine(model, theme) || model.live ? 1 : 0;
  const share = Math.max(3, Math.floor((rows - 1) * 0.4));
  if (model.panel === 'checks') return status + checkLines({ checks: checkRows(model), ...passedOf(model), firstHintOnly: Boolean(model.live), width, theme }).length;
  if (busy(model)) return status + share;
  if (model.panel === 'output') return status + Math.min(share, model.output.length);
  return status;
}

/** What the stage is doing or did: a status line over the command output or the check results. */
export function ActivityPane({ model, rows, width, theme }: { model: StageViewModel; rows: number; width: number; theme: Theme }) {
  if (rows <= 0) return null;
  const status = statusOf(model, theme);
  const body = rows - (status ? 1 : 0);
  return (
    <Box flexDirection="column" height={rows} overflow="hidden">
      {status}
      {model.panel === 'checks' || model.activity === 'checking' ? (
        <CheckList checks={checkRows(model)} {...passedOf(model)} firstHintOnly={Boolean(model.live)} width={width} height={body} theme={theme} />
      ) : body > 0 ? (
        <CommandOutput lines={model.output.slice(-body)} height={body} theme={theme} />
      ) : null}
    </Box>
  );
}

function statusOf(model: StageViewModel, theme: Theme) {
  const since = model.since !== undefined ? { since: model.since } : {};
  // Setup, solve and reset run several commands: say which one is running.
  const current = model.command ? { detail: `$ ${model.command.split('\n')[0]}` } : {};
  switch (model.activity) {
    case 'preparing':
      return <RunStatus label="Setting up the stage…" {...since} {...current} theme={theme} />;
    case 'runningStep': {
      const index = model.lastStep?.index ?? 0;
      const step = model.steps[index];
      const detail = step?.long ? 'runs until you stop it: x' : 'x stops it';
      return <RunStatus label={`Running step ${index + 1} ${step?.name ?? ''}`} detail={detail} {...since} theme={theme} />;
    }
    case 'checking':
      return <RunStatus label="Checking the stage…" {...since} theme={theme} />;
    case 'solving':
      return <RunStatus label="Solving the stage (x stops it)…" {...since} {...current} theme={theme} />;
    case 'resetting':
      return <RunStatus label="Resetting the stage…" {...since} {...current} theme={theme} />;
    default: {
      const line = resultLine(model, theme) ?? liveLine(model, theme);
      return line ? <Lines lines={[line]} /> : null;
    }
  }
}

/** How the last step ended: "exit 0 in 1.2 s" or "stopped". */
function resultLine(model: StageViewModel, theme: Theme): Line | undefined {
  if (model.panel !== 'output' || model.problem) return undefined;
  if (model.origin === 'user.open' || model.origin === 'user.reset' || model.origin === undefined) {
    return { text: `${theme.checkIcon.pass} The stage is set up.`, tone: theme.tone.muted };
  }
  if (model.origin !== 'user.runStep' || !model.lastStep) return undefined;
  const { index, exitCode, durationMs, cancelled }: StepRun = model.lastStep;
  const name = `Step ${index + 1} ${model.steps[index]?.name ?? ''}`;
  if (cancelled) return { text: `${theme.stopped} ${name}: stopped`, tone: theme.tone.warning };
  if (exitCode === undefined) return undefined;
  const took = durationMs !== undefined ? ` in ${formatDuration(durationMs)}` : '';
  return exitCode === 0
    ? { text: `${theme.checkIcon.pass} ${name}: exit 0${took}`, tone: theme.checkTone.pass }
    : { text: `${theme.checkIcon.fail} ${name}: exit ${exitCode}${took}`, tone: theme.checkTone.fail };
}

/** Live checks: when they last looked, and what is left to the learner's own check. */
function liveLine(model: StageViewModel, theme: Theme): Line | undefined {
  if (!model.live) return undefined;
  const drills = model.live.drillsLeft > 0 ? `; the drill runs when you press c` : '';
  return { text: `${theme.live} Live: re-checked at ${clockTime(model.live.at)} as the engine changes${drills}.`, tone: theme.tone.muted };
}

function checkRows(model: StageViewModel) {
  return model.checkTitles.map((title, index) => {
    const result = model.checkResults[index];
    return result ? { title, result } : { title };
  });
}

const passedOf = (model: StageViewModel) => (model.passed !== undefined ? { passed: model.passed } : {});
