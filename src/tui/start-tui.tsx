import { render } from 'ink';
import { App, type AppProps } from './App.js';

/** What the app needs, less what start-tui supplies itself. */
export type StartTuiOptions = Omit<AppProps, 'onQuit'>;

// The alternate screen keeps the learner's scrollback as it was when the lab quits.
const ENTER_ALTERNATE_SCREEN = '\u001b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\u001b[?1049l';

/** Runs the lab's interface until the learner quits; the actor is stopped on the way out. */
export async function startTui(props: StartTuiOptions): Promise<void> {
  const { actor } = props;
  const fullScreen = Boolean(process.stdout.isTTY);
  if (fullScreen) process.stdout.write(ENTER_ALTERNATE_SCREEN);
  try {
    // Ctrl-C is the app's: it stops a running step first, and quits when pressed twice.
    // ink 6.8's incrementalRendering garbles frames whose line count changes, so it stays off; the frame
    // is kept one row shorter than the terminal, so ink never falls back to clearing the whole screen.
    const instance = render(
      <App {...props} />,
      { exitOnCtrlC: false },
    );
    await instance.waitUntilExit();
  } finally {
    actor.stop();
    if (fullScreen) process.stdout.write(LEAVE_ALTERNATE_SCREEN);
  }
}
