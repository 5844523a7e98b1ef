import { EventEmitter } from 'node:events';
import { render as inkRender, type Instance } from 'ink';
import type { ReactElement } from 'react';
import type { Stage } from '../../src/lessons/types.js';
import { parseSteps } from '../../src/lessons/steps.js';
import { stageSchema, type CheckSpec } from '../../src/lessons/schema.js';

/**
 * Renders at exactly this terminal size (ink-testing-library's is 100 columns, 24 rows): 80×24 is
 * the smallest terminal the lab promises to fit. Keys written to `stdin` arrive as a terminal's do.
 */
export function renderAt(node: ReactElement, columns: number, rows: number) {
  const stdout = Object.assign(new EventEmitter(), { columns, rows, frame: '', write(frame: string) { stdout.frame = frame; } });
  // Keys arrive as ink-testing-library's stdin delivers them: 'readable', then read() once.
  let pending: string | null = null;
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true, setEncoding() {}, setRawMode() {}, resume() {}, pause() {}, ref() {}, unref() {},
    read: () => { const data = pending; pending = null; return data; },
    write: (data: string) => { pending = data; stdin.emit('readable'); stdin.emit('data', data); },
  });
  const instance: Instance = inkRender(node, { stdout: stdout as never, stdin: stdin as never, debug: true, exitOnCtrlC: false, patchConsole: false });
  return { frame: () => stdout.frame, stdin, unmount: () => instance.unmount() };
}

/** Key sequences as a terminal sends them. */
export const keys = {
  enter: '\r',
  up: '\u001B[A',
  down: '\u001B[B',
  escape: '\u001B',
  pageDown: '\u001B[6~',
  ctrlC: '\u0003',
} as const;

/** Polls until `check` passes or the deadline is reached; then fails with what it was waiting for. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the last frame contains `text`, and returns that frame. */
export async function waitForFrame(lastFrame: () => string | undefined, text: string | RegExp): Promise<string> {
  const has = () => {
    const frame = lastFrame() ?? '';
    return typeof text === 'string' ? frame.includes(text) : text.test(frame);
  };
  try {
    await waitFor(has, `a frame with ${String(text)}`);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the last frame was:\n${lastFrame() ?? ''}`);
  }
  return lastFrame() ?? '';
}

/** Writes a key once ink has had a turn to attach its input listener. */
export async function press(stdin: { write: (data: string) => void }, key: string): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  stdin.write(key);
  await new Promise((resolve) => setImmediate(resolve));
}

const singleHostLesson = `# Build, ship and run one service

Build the example service's image and run it as \`simple-server-test\`.

\`\`\`sh step=build
docker build -t localhost:5000/simple-server -f dockerfiles/example-service/Dockerfile .
\`\`\`

Then run it as a daemon:

\`\`\`sh step=run
docker run -d --name simple-server-test -p 127.0.0.1:8080:8080 localhost:5000/simple-server
\`\`\`
`;

/** A stage as the loader makes it: the stage.yaml part goes through the schema, so its defaults apply. */
function stage(number: number, id: string, title: string, requires: string[], markdown: string, checks: CheckSpec[], panel: Stage['panel'] = 'none'): Stage {
  const file = stageSchema.parse({
    id,
    title,
    summary: `${title}: what this stage teaches, in a sentence.`,
    requires,
    setup: ['docker network create simple-network'],
    panel,
    checks,
  });
  const { challenge: _challenge, ...fields } = file;
  return { ...fields, number, dir: `lessons/${String(number).padStart(2, '0')}-${id}`, markdown, steps: parseSteps(markdown) };
}

/** Three stages shaped like the real track's first three. */
export function trackFixture(): Stage[] {
  return [
    stage(1, 'single-host', 'Build, ship and run one service', [], singleHostLesson, [
      { kind: 'container-running', title: 'simple-server-test is running', container: 'simple-server-test' },
      { kind: 'container-log', title: 'It serves on 8080', container: 'simple-server-test', pattern: 'serving on 8080' },
    ]),
    stage(2, 'horizontal-scale', 'Many copies of the service', ['single-host'], '# Scale out\n\n```sh step=deploy\nlab deploy 3\n```\n', [
      { kind: 'container-running', title: 'server_1 is running', container: 'server_1' },
    ], 'containers'),
    stage(3, 'load-balancing', 'Load balancing with HAProxy', ['horizontal-scale'], '# Balance\n', [
      { kind: 'http', title: 'The LB answers', container: 'simple_haproxy_1', port: 80, path: '/', status: 200 },
    ], 'containers'),
  ];
}
