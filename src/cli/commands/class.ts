import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { EnvironmentError, UsageError, type ExitCode } from '../../errors.js';
import { deliverPending, endpoint, joinClass, raiseHand, request } from '../../class/client.js';
import { queueOf, readMembership, removeMembership, writeMembership } from '../../class/membership.js';
import type { BoardView } from '../../class/server.js';
import { stateDir } from '../../progress/store.js';
import { packageRoot } from '../../runtime/paths.js';
import type { CommandContext } from '../context.js';
import type { Output } from '../output.js';

export interface ServeFlags {
  port?: string;
  host?: string;
  data?: string;
  demo?: string;
}

/** Where `lab class serve` keeps its database, the instructor token and the address it serves on. */
export const defaultDataDir = () => join(stateDir(), 'class-server');

const serverFile = (dataDir: string) => join(dataDir, 'server.json');
const tokenFile = (dataDir: string) => join(dataDir, 'instructor-token');
const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');
const isWildcard = (host: string) => host === '0.0.0.0' || host === '::';

function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new UsageError(`${flag} ${raw}: give a whole number from ${min} to ${max}.`);
  return value;
}

/** The address learners on the LAN reach this machine at: its first non-internal IPv4 address. */
function lanAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
}

/** `lab class serve`: the class server, until Ctrl-C. */
export async function classServeCommand(ctx: CommandContext, flags: ServeFlags): Promise<ExitCode> {
  const port = integer('--port', flags.port, 8900, 0, 65535);
  const host = flags.host ?? '127.0.0.1';
  const demo = flags.demo === undefined ? 0 : integer('--demo', flags.demo, 0, 1, 200);
  // A demo starts from an empty class of its own unless told where: it never mixes with a real one.
  const dataDir = resolve(flags.data ?? (demo > 0 ? mkdtempSync(join(tmpdir(), 'lab-class-demo-')) : defaultDataDir()));
  const stages = ctx.lessons().stages;
  const [{ openClassStore }, { startClassServer }, { startDemo }] = await Promise.all([import('../../class/store.js'), import('../../class/server.js'), import('../../class/demo.js')]);
  const store = openClassStore(dataDir);
  const { code, token } = store.secrets();
  writeFileSync(tokenFile(dataDir), `${token}\n`, { mode: 0o600 });
  chmodSync(tokenFile(dataDir), 0o600);
  const boardDir = [join(packageRoot, 'dist', 'class', 'board'), join(packageRoot, 'src', 'class', 'board')].find((dir) => existsSync(join(dir, 'index.html')))!;
  let server;
  try {
    server = await startClassServer({ store, stages: stages.map((s) => ({ id: s.id, title: s.title })), boardDir, port, host, demo: demo > 0 });
  } catch (error) {
    store.close();
    const problem = (error as NodeJS.ErrnoException).code;
    if (problem === 'EADDRINUSE') throw new EnvironmentError(`Port ${port} is taken on ${host}: another program listens there.`, `Choose another port: \`lab class serve --port ${port === 8900 ? 8901 : 8900}\`.`);
    if (problem === 'EADDRNOTAVAIL' || problem === 'ENOTFOUND') throw new UsageError(`--host ${host} is not an address of this machine.`, 'Use --host 0.0.0.0 to listen on every network, or leave --host out for this machine only.');
    if (problem === 'EACCES') throw new UsageError(`Port ${port} needs privileges here.`, 'Choose a port above 1023, e.g. --port 8900.');
    throw error;
  }
  const local = `http://${isWildcard(host) || isLoopback(host) ? '127.0.0.1' : host}:${server.port}`;
  const forLearners = `http://${isWildcard(host) ? (lanAddress() ?? '127.0.0.1') : host}:${server.port}`;
  writeFileSync(serverFile(dataDir), `${JSON.stringify({ url: local, learnerUrl: forLearners, host, port: server.port, pid: process.pid }, null, 2)}\n`);
  const stopDemo = demo > 0 ? startDemo(store, stages.map((s) => ({ id: s.id, checks: s.checks.map((c) => c.title) })), demo, server.changed) : () => undefined;

  for (const line of serveBanner(ctx.out, { host, port: server.port, local, forLearners, code, token, dataDir, tokenPath: tokenFile(dataDir), demo })) ctx.out.line(line);

  await new Promise<void>((done) => (ctx.signal.aborted ? done() : ctx.signal.addEventListener('abort', () => done(), { once: true })));
  stopDemo();
  await server.close();
  store.close();
  return 0;
}

/** Pure: what `lab class serve` prints: where it listens (and who can reach it), the join line, the board and the token. */
export function serveBanner(
  out: Pick<Output, 'yellow' | 'dim'>,
  { host, port, local, forLearners, code, token, dataDir, tokenPath, demo }: { host: string; port: number; local: string; forLearners: string; code: string; token: string; dataDir: string; tokenPath: string; demo: number },
): string[] {
  return [
    ...(demo > 0 ? [out.yellow(`DEMO: ${demo} simulated learners fill the board (data in ${dataDir}); no real learner is in this class.`)] : []),
    `Class server on ${isWildcard(host) ? `${host}:${port}` : local} (data in ${dataDir}).`,
    isWildcard(host)
      ? `It listens on every network of this machine (--host ${host}): anyone on the LAN with the class code can join.`
      : isLoopback(host)
        ? out.yellow(`It listens on this machine only (${host}): learners on other laptops cannot reach it. For a class on a LAN, run \`lab class serve --host 0.0.0.0\`.`)
        : `It listens on ${host} only.`,
    'Learners type:',
    `  lab class join ${forLearners} ${code}`,
    `Board (instructor only, on this machine): ${local}/?token=${token}`,
    `Instructor token: ${token} (kept in ${tokenPath}; \`lab class status\` reads it there; do not share it)`,
    out.dim("Ctrl-C stops the server; the class is kept, and learners' labs send what they queued when it is back."),
  ];
}

function classUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${raw} is not a class URL.`, 'Type it as the instructor printed it, e.g. `lab class join http://192.168.1.20:8900 CODE`.');
  }
  if (!['http:', 'https:'].includes(url.protocol) || (url.pathname !== '/' && url.pathname !== '') || url.search || url.username) {
    throw new UsageError(`${raw} is not a class URL: it is http://HOST:PORT, nothing after the port.`, 'Type it as the instructor printed it, e.g. `lab class join http://192.168.1.20:8900 CODE`.');
  }
  return url.origin;
}

/** `lab class join URL CODE [--name NAME]`: from now on, each check run is sent to the class board. */
export async function classJoinCommand(ctx: CommandContext, rawUrl: string, code: string, flags: { name?: string }): Promise<ExitCode> {
  const url = classUrl(rawUrl);
  const dir = stateDir();
  const current = readMembership(dir);
  if (current) throw new UsageError(`This lab is in the class at ${current.url} already, as ${current.name}.`, 'Run `lab class leave` first, then join again.');
  const name = (flags.name ?? userInfo().username).trim();
  if (name.length === 0 || name.length > 40) throw new UsageError(`--name: give a name of 1 to 40 characters${name.length > 40 ? `, not ${name.length}` : ''}.`);
  const reply = await joinClass(url, code, name);
  if (reply.status === 0) {
    throw new UsageError(`Can't reach the class server at ${url} (${reply.error}).`, "Check the address the instructor printed, that this laptop is on the room's network, and that the server was started with --host 0.0.0.0.");
  }
  if (reply.status === 401) throw new UsageError(`the class code was not accepted by ${url}: check the line the instructor printed`);
  if (!reply.ok || typeof reply.body.learner !== 'string' || typeof reply.body.key !== 'string') {
    throw new UsageError(`The class server at ${url} refused the join (${reply.status}): ${String(reply.body.error ?? 'no reason given')}`);
  }
  removeMembership(dir);
  writeMembership(dir, { url, learner: reply.body.learner, key: reply.body.key, name, joinedAt: new Date().toISOString() });
  ctx.out.line(`Joined the class at ${url} as ${name}.`);
  ctx.out.line('From now on each check run (lab check, the interface, lab watch) sends the board the stage, each check\'s pass/warn/fail and title, which hints you saw, and the time: nothing else.');
  ctx.out.line('`lab class hand` raises your hand (`?` in the interface); `lab class leave` stops sending.');
  return 0;
}

/** `lab class leave`: sends what is queued if it can, then stops sending. */
export async function classLeaveCommand(ctx: CommandContext): Promise<ExitCode> {
  const dir = stateDir();
  const membership = readMembership(dir);
  if (!membership) {
    ctx.out.line('This lab is not in a class: nothing to leave.');
    return 0;
  }
  const delivery = await deliverPending(dir, { timeoutMs: 2_000, deadlineMs: 5_000 });
  removeMembership(dir);
  ctx.out.line(`Left the class at ${membership.url}; nothing more is sent.${delivery.left > 0 ? ` ${delivery.left} queued event(s) could not be sent (${delivery.reason}) and are dropped.` : ''}`);
  return 0;
}

/** `lab class hand [message] [--down]`. */
export async function classHandCommand(ctx: CommandContext, message: string | undefined, flags: { down?: boolean }): Promise<ExitCode> {
  const membership = readMembership(stateDir());
  if (!membership) throw new UsageError('This lab is not in a class.', 'Join one first: `lab class join URL CODE`, as the instructor printed it.');
  if (message && message.length > 200) throw new UsageError(`The message is ${message.length} characters; keep it to 200.`);
  const reply = await raiseHand(membership, !flags.down, message);
  if (reply.status === 0) throw new EnvironmentError(`Can't reach the class server at ${membership.url} (${reply.error}): your hand is not ${flags.down ? 'lowered' : 'raised'}.`, 'Try again in a moment, or wave.');
  if (!reply.ok) throw new UsageError(`The class server refused (${reply.status}): ${String(reply.body.error ?? '')}`);
  ctx.out.line(flags.down ? 'Your hand is lowered.' : `Your hand is raised on the board${message ? `: "${message}"` : ''}. \`lab class hand --down\` lowers it.`);
  return 0;
}

/** `lab class status [--json] [--data DIR]`: the board in the terminal (instructor), or this lab's membership (learner). */
export async function classStatusCommand(ctx: CommandContext, flags: { json?: boolean; data?: string }): Promise<ExitCode> {
  const dataDir = resolve(flags.data ?? defaultDataDir());
  if (existsSync(serverFile(dataDir)) && existsSync(tokenFile(dataDir))) {
    const { url } = JSON.parse(readFileSync(serverFile(dataDir), 'utf8')) as { url: string };
    const token = readFileSync(tokenFile(dataDir), 'utf8').trim();
    const reply = await request(endpoint(url, '/api/board'), { method: 'GET', key: token });
    if (reply.status === 0) throw new UsageError(`No class server answers at ${url} (${reply.error}).`, 'Start it with `lab class serve` (the class is kept in its data dir).');
    if (!reply.ok) throw new UsageError(`The class server at ${url} refused (${reply.status}): ${String(reply.body.error ?? '')}`, `Is ${tokenFile(dataDir)} from the server running there?`);
    const board = reply.body as unknown as BoardView;
    if (flags.json) ctx.out.line(JSON.stringify(board, null, 2));
    else printBoard(ctx.out, board);
    return 0;
  }
  const dir = stateDir();
  const membership = readMembership(dir);
  if (membership) {
    const delivery = await deliverPending(dir, { timeoutMs: 2_000 });
    const left = queueOf(dir).pending().length;
    const status = { role: 'learner', url: membership.url, name: membership.name, learner: membership.learner, queued: left, ...(delivery.reason ? { reason: delivery.reason } : {}) };
    if (flags.json) ctx.out.line(JSON.stringify(status, null, 2));
    else ctx.out.line(`In the class at ${membership.url} as ${membership.name}; ${left === 0 ? 'every check run is delivered.' : `${left} event(s) wait to be sent (${delivery.reason}).`}`);
    return 0;
  }
  throw new UsageError(`No class here: no class server has run with data in ${dataDir}, and this lab has joined no class.`, 'Instructor: `lab class serve`. Learner: `lab class join URL CODE`.');
}

/** The board as text: one row per learner (raised hands first), one column per stage. */
export function printBoard(out: Output, board: BoardView): void {
  if (board.demo) out.line(out.yellow('DEMO: simulated learners'));
  const width = Math.min(24, Math.max(8, ...board.learners.map((l) => l.name.length + 2)));
  out.line(`${'learner'.padEnd(width)} ${board.stages.map((_, i) => String(i + 1).padEnd(3)).join(' ')}`);
  const failing: string[] = [];
  for (const learner of board.learners) {
    const cells = board.stages.map((stage) => {
      const cell = learner.cells[stage.id];
      if (!cell) return '·  ';
      if (cell.state === 'passed') return out.green(`✔${cell.challenge === 'passed' ? '★' : ' '} `);
      failing.push(`${learner.name}: ${stage.id} — ${cell.failing ?? 'a check fails'}`);
      return out.red(`✖${cell.challenge === 'passed' ? '★' : ' '} `);
    });
    out.line(`${`${learner.hand ? '✋' : ''}${learner.name}`.slice(0, width).padEnd(width)} ${cells.join(' ')}`);
  }
  if (board.learners.length === 0) out.line(out.dim('No learner has joined yet.'));
  out.line(out.dim(board.stages.map((s, i) => `${i + 1} ${s.id}`).join(' · ')));
  for (const learner of board.learners.filter((l) => l.hand)) out.line(out.yellow(`✋ ${learner.name}${learner.hand?.message ? `: ${learner.hand.message}` : ''}`));
  for (const line of failing) out.line(line);
}
