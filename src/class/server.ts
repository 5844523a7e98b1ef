import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BODY_MAX_BYTES } from './event.js';
import { handSchema, joinSchema, parseEventBatch } from './event-schema.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import type { Board, ClassStore } from './store.js';

export interface BoardStage {
  id: string;
  title: string;
}

/** What GET /api/board answers and each server-sent `board` event carries. */
export interface BoardView extends Board {
  stages: BoardStage[];
  demo: boolean;
  /** The learner events this update is for (`learner:seq`), so a watcher can time them. */
  changed: string[];
  serverTime: string;
}

export interface ClassServerOptions {
  store: ClassStore;
  stages: BoardStage[];
  /** Where index.html, board.js and board.css are. */
  boardDir: string;
  port: number;
  host: string;
  demo?: boolean;
  limiter?: RateLimiter;
}

export interface ClassServer {
  readonly port: number;
  readonly server: Server;
  /** Tells every open board that something changed (the demo's learners write to the store directly). */
  changed(keys?: string[]): void;
  close(): Promise<void>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly counter?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const STATIC: Record<string, string> = { '/board.js': 'text/javascript; charset=utf-8', '/board.css': 'text/css; charset=utf-8' };

/** The class server: node:http, JSON in and out, the board page and its live stream (server-sent events). */
export async function startClassServer(options: ClassServerOptions): Promise<ClassServer> {
  const { store, boardDir } = options;
  const limiter = options.limiter ?? createRateLimiter();
  const { code, token } = store.secrets();
  const streams = new Set<ServerResponse>();
  let pending: string[] | undefined;

  const view = (changed: string[] = []): BoardView => {
    const board = store.board();
    const known = new Set(options.stages.map((s) => s.id));
    const extra = [...new Set(board.learners.flatMap((l) => Object.keys(l.cells)))].filter((id) => !known.has(id)).sort();
    return { ...board, stages: [...options.stages, ...extra.map((id) => ({ id, title: id }))], demo: Boolean(options.demo), changed, serverTime: new Date().toISOString() };
  };
  // Changes within one turn of the event loop reach the boards as one update.
  const changed = (keys: string[] = []) => {
    if (pending) {
      pending.push(...keys);
      return;
    }
    pending = [...keys];
    setImmediate(() => {
      const data = `event: board\ndata: ${JSON.stringify(view(pending))}\n\n`;
      pending = undefined;
      for (const stream of streams) stream.write(data);
    });
  };

  const sameSecret = (given: string | undefined, wanted: string) => {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(wanted);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  const bearer = (request: IncomingMessage) => /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
  const cookieToken = (request: IncomingMessage) => /(?:^|;\s*)lab_class_token=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
  const instructor = (request: IncomingMessage, url: URL) => {
    // The token is for the instructor's own machine: sent from anywhere else, it has crossed the room's network.
    if (!isLoopbackAddress(request.socket.remoteAddress)) throw new HttpProblem(403, "The board is served to the instructor's machine only: open it there (the instructor token never crosses the network).");
    if (![bearer(request), url.searchParams.get('token') ?? undefined, cookieToken(request)].some((given) => sameSecret(given, token))) {
      throw new HttpProblem(401, 'The board needs the instructor token: open the board link `lab class serve` printed.');
    }
  };
  const learnerOf = (request: IncomingMessage) => {
    const key = bearer(request);
    const learner = key ? store.learnerOf(key) : undefined;
    if (!learner) throw new HttpProblem(401, 'This learner key is not known to the class: run `lab class join` again.', 'unauthorized');
    return learner;
  };

  const readJson = (request: IncomingMessage): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= BODY_MAX_BYTES) chunks.push(chunk);
      });
      request.on('error', reject);
      request.on('end', () => {
        if (size > BODY_MAX_BYTES) return reject(new HttpProblem(400, `The body is over ${BODY_MAX_BYTES} bytes.`, 'rejected'));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new HttpProblem(400, 'The body is not JSON.', 'rejected'));
        }
      });
    });

  const routes: Record<string, (request: IncomingMessage, url: URL, response: ServerResponse) => Promise<unknown> | unknown> = {
    'POST /api/join': async (request) => {
      const parsed = joinSchema.safeParse(await readJson(request));
      if (!parsed.success) throw new HttpProblem(400, 'A join needs a class code and a name (at most 40 characters).', 'rejected');
      if (!sameSecret(parsed.data.code.trim().toUpperCase(), code)) throw new HttpProblem(401, 'The class code was not accepted.', 'wrongCode');
      const joined = store.addLearner(parsed.data.name);
      changed();
      return joined;
    },
    'POST /api/events': async (request) => {
      const learner = learnerOf(request);
      const parsed = parseEventBatch(await readJson(request));
      if (!parsed.ok) throw new HttpProblem(400, `Malformed events: ${parsed.problem}`, 'rejected');
      if (parsed.events.some((event) => event.learner !== learner)) throw new HttpProblem(403, 'An event names another learner than the key does.', 'forged');
      const allowed = limiter.take(learner, parsed.events.length);
      if (!allowed.ok) throw new HttpProblem(429, 'Too many events: send again later.', 'rateLimited', { 'retry-after': String(Math.ceil(allowed.retryAfterMs / 1000)) });
      const added = store.addEvents(parsed.events);
      store.count('accepted', added);
      changed(parsed.events.map((event) => `${event.learner}:${event.seq}`));
      return { accepted: added, ack: Math.max(...parsed.events.map((event) => event.seq)) };
    },
    'POST /api/hand': async (request) => {
      const learner = learnerOf(request);
      const parsed = handSchema.safeParse(await readJson(request));
      if (!parsed.success) throw new HttpProblem(400, 'A hand is { up: boolean, message?: string (at most 200 characters) }.', 'rejected');
      store.setHand(learner, parsed.data.up, parsed.data.message);
      changed();
      return { ok: true };
    },
    'GET /api/board': (request, url) => {
      instructor(request, url);
      return view();
    },
    'GET /api/events': (request, url) => {
      instructor(request, url);
      return { events: store.eventsOf(url.searchParams.get('learner') ?? '') };
    },
    'GET /api/stream': (request, url, response) => {
      instructor(request, url);
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.write(`retry: 1000\nevent: board\ndata: ${JSON.stringify(view())}\n\n`);
      streams.add(response);
      const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
      request.on('close', () => {
        clearInterval(keepAlive);
        streams.delete(response);
      });
      return undefined;
    },
    'GET /': (request, url, response) => {
      instructor(request, url);
      const cookie = `lab_class_token=${token}; HttpOnly; SameSite=Strict; Path=/`;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'set-cookie': cookie });
      response.end(readFileSync(join(boardDir, 'index.html')));
      return undefined;
    },
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://class.invalid');
    const route = routes[`${request.method} ${url.pathname}`];
    if (!route) {
      if (request.method === 'GET' && STATIC[url.pathname]) {
        response.writeHead(200, { 'content-type': STATIC[url.pathname]!, 'cache-control': 'no-store' });
        response.end(readFileSync(join(boardDir, url.pathname.slice(1))));
        return;
      }
      return send(response, 404, { error: `No ${request.method} ${url.pathname} here.` });
    }
    Promise.resolve()
      .then(() => route(request, url, response))
      .then(
        (body) => {
          if (body !== undefined) send(response, 200, body);
        },
        (error: unknown) => {
          if (!(error instanceof HttpProblem)) return send(response, 500, { error: error instanceof Error ? error.message : String(error) });
          if (error.counter) store.count(error.counter);
          send(response, error.status, { error: error.message }, error.headers);
        },
      );
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    changed,
    async close() {
      for (const stream of streams) stream.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}


/** Pure: whether a peer's address is this machine's loopback (IPv4, IPv6, or IPv4 mapped into IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}
