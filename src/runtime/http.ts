import { request as httpRequest } from 'node:http';
import type { DockerClient } from './docker.js';
import { REQUESTS_SCRIPT, runInProbe } from './engine-probe.js';

export type HttpOutcome = { ok: true; status: number; body: string; headers: Record<string, string> } | { ok: false; error: string };

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Requests go only to 127.0.0.1 ports that lab containers publish. */
export interface HttpClient {
  request(url: string, options?: RequestOptions): Promise<HttpOutcome>;
  /** The same requests one after another, in order: round-robin checks read the order. */
  sequence(urls: string[], options?: RequestOptions): Promise<HttpOutcome[]>;
}

/**
 * Requests from this computer, with node:http and a connection each, closed after the answer: fetch
 * loads Node's undici (30 ms of a `lab check`) and keeps its connection open after the last answer,
 * which held a finished `lab check` for a further 160 ms before it could exit.
 */
export function createHttpClient(): HttpClient {
  const request = (url: string, { method = 'GET', headers = {}, timeoutMs = 3_000 }: RequestOptions = {}): Promise<HttpOutcome> =>
    new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: HttpOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return finish({ ok: false, error: `not a URL: ${url}` });
      }
      const sent = httpRequest(target, { method, headers: { ...headers, connection: 'close' }, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => finish({ ok: false, error: (error as NodeJS.ErrnoException).code ?? error.message }));
        response.on('end', () => {
          const answered = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
          finish({ ok: true, status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: answered });
        });
      });
      const timer = setTimeout(() => {
        finish({ ok: false, error: `no answer within ${timeoutMs} ms` });
        sent.destroy();
      }, timeoutMs);
      sent.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, error: error.code ?? error.message }));
      sent.end();
    });
  return {
    request,
    async sequence(urls, options) {
      const outcomes: HttpOutcome[] = [];
      for (const url of urls) outcomes.push(await request(url, options));
      return outcomes;
    },
  };
}

type ProbeAnswer = { status: number; body: string; headers: Record<string, string> } | { error: string };

const outcomeOf = (answer: ProbeAnswer): HttpOutcome => ('error' in answer ? { ok: false, error: answer.error } : { ok: true, ...answer });

/**
 * Requests to the ports the lab's engine publishes on 127.0.0.1: made here when the engine is local,
 * and from the probe on the engine's host when it is remote (its 127.0.0.1 is not this computer's).
 */
export function createEngineHttp(docker: DockerClient, local: HttpClient = createHttpClient()): HttpClient {
  const fromProbe = async (urls: string[], options: RequestOptions = {}): Promise<HttpOutcome[]> => {
    const timeoutMs = options.timeoutMs ?? 3_000;
    const answers = await runInProbe<ProbeAnswer[]>(docker, REQUESTS_SCRIPT, urls.map((url) => ({ url, ...options, timeoutMs })), 10_000 + urls.length * (timeoutMs + 500));
    return answers.map(outcomeOf);
  };
  return {
    async request(url, options) {
      return (await docker.site()).local ? local.request(url, options) : (await fromProbe([url], options))[0]!;
    },
    async sequence(urls, options) {
      return (await docker.site()).local ? local.sequence(urls, options) : fromProbe(urls, options);
    },
  };
}
