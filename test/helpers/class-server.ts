import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { writeLessons } from './lesson-fixtures.js';

const BIN = join(process.cwd(), 'dist', 'cli', 'main.js');

export interface Serving {
  process: ChildProcess;
  url: string;
  port: number;
  code: string;
  token: string;
  output: () => string;
  /** Ctrl-C, as an instructor would; resolves when it has exited. */
  stop(): Promise<number | null>;
  /** The server dies at once (power cut, kill -9): nothing of it runs after. */
  kill(): Promise<void>;
}

/** Starts the built `lab class serve` and reads the join line and the token it prints. */
export function serveClass(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 15_000): Promise<Serving> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'class', 'serve', ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lab class serve printed no join line within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const look = () => {
      const join = /lab class join (http:\/\/\S+):(\d+) (\S+)/.exec(output);
      const token = /Instructor token: (\S+)/.exec(output);
      if (!join || !token) return;
      clearTimeout(timer);
      child.stdout.off('data', read);
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      resolve({
        process: child,
        url: `${join[1]}:${join[2]}`,
        port: Number(join[2]),
        code: join[3]!,
        token: token[1]!,
        output: () => output,
        stop: () => (child.kill('SIGINT'), exited),
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
      });
    };
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      look();
    };
    child.stdout.on('data', read);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lab class serve exited ${code}:\n${output}`));
    });
  });
}

/**
 * An engine that answers only `/_ping`: `lab check` asks it before checking, and a stage whose checks
 * read nothing from the engine (a quiz) then runs with no Docker at all.
 */
export async function pingOnlyEngine(): Promise<{ host: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const ping = request.url?.includes('/_ping');
    response.writeHead(ping ? 200 : 404, { 'content-type': ping ? 'text/plain' : 'application/json', 'api-version': '1.41' });
    response.end(ping ? 'OK' : '{"message":"not in this fake engine"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A track of two concept stages, each judged by its quiz alone: checks that need no engine. */
export function quizLessons(): string {
  const stage = (id: string, requires: string[], right: string) => `id: ${id}
title: Stage ${id}
summary: The ${id} stage.
requires: [${requires.join(', ')}]
walkthrough:
  - title: One
    body: The first frame.
quiz:
  - id: pick
    question: Which is right?
    choices:
      - text: Not this
        why: No.
      - text: ${right}
        correct: true
        why: Yes.
checks:
  - kind: quiz
    title: the ${id} quiz is answered right
    hint: answer it with lab quiz
`;
  return writeLessons([
    { folder: '01-concepts', yaml: stage('concepts', [], 'This one'), markdown: '# Concepts\n\nRead.\n' },
    { folder: '02-more', yaml: stage('more', ['concepts'], 'That one'), markdown: '# More\n\nRead.\n' },
  ]);
}

/** GETs an instructor endpoint of the class server as JSON. */
export async function instructorGet<T>(serving: { url: string; token: string }, path: string): Promise<T> {
  const response = await fetch(`${serving.url}${path}`, { headers: { authorization: `Bearer ${serving.token}` } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
  return (await response.json()) as T;
}
