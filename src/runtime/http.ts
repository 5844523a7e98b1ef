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

/** Requests from this computer. */
export function createHttpClient(): HttpClient {
  const request = async (url: string, { method = 'GET', headers = {}, timeoutMs = 3_000 }: RequestOptions = {}): Promise<HttpOutcome> => {
    try {
      const response = await fetch(url, { method, headers, signal: AbortSignal.timeout(timeoutMs) });
      const body = method === 'HEAD' ? '' : await response.text();
      return { ok: true, status: response.status, body, headers: Object.fromEntries(response.headers.entries()) };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const name = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : undefined;
      return { ok: false, error: name ?? cause ?? (error as Error).message };
    }
  };
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
