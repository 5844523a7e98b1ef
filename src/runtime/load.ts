import http from 'node:http';
import type { DockerClient } from './docker.js';
import { ensureProbe, LOAD_SCRIPT, runInProbe } from './engine-probe.js';

export interface LoadResult {
  sent: number;
  failed: number;
  /** The first few failures, for the hint. */
  errors: string[];
  durationMs: number;
}

export interface RunningLoad {
  /** Stops sending, waits for the requests in flight, and reports. */
  stop(): Promise<LoadResult>;
}

/**
 * A bounded, fixed-rate load of GET requests to 127.0.0.1:port, one connection per request (as curl
 * does), at most `inFlight` at once; it stops by itself after `maxMs` or `maxRequests`.
 */
export interface LoadOptions {
  port: number;
  path?: string;
  rate?: number;
  maxMs?: number;
  maxRequests?: number;
  inFlight?: number;
}

export function startLoad({ port, path = '/health', rate = 50, maxMs = 60_000, maxRequests = 10_000, inFlight = 32 }: LoadOptions): RunningLoad {
  const started = Date.now();
  let sent = 0;
  let done = 0;
  let failed = 0;
  let stopped = false;
  const errors: string[] = [];
  let settle: (() => void) | undefined;
  const finish = (error?: string) => {
    done += 1;
    if (error !== undefined) {
      failed += 1;
      if (errors.length < 5) errors.push(error);
    }
    if (stopped && done === sent) settle?.();
  };
  const tick = () => {
    if (stopped) return;
    const due = Math.min(maxRequests, Math.floor(((Date.now() - started) / 1000) * rate));
    while (sent < due && sent - done < inFlight) {
      sent += 1;
      const request = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 5_000 }, (response) => {
        response.resume();
        response.on('end', () => finish(response.statusCode === 200 ? undefined : `status ${response.statusCode}`));
        response.on('error', (error) => finish(error.message));
      });
      request.on('timeout', () => request.destroy(new Error('no answer within 5 s')));
      request.on('error', (error) => finish((error as NodeJS.ErrnoException).code ?? error.message));
    }
    if (Date.now() - started >= maxMs || sent >= maxRequests) stopped = true;
    else timer = setTimeout(tick, 5);
  };
  let timer = setTimeout(tick, 0);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      return new Promise<LoadResult>((resolve) => {
        const report = () => resolve({ sent, failed, errors, durationMs: Date.now() - started });
        if (done === sent) report();
        else settle = report;
      });
    },
  };
}

/**
 * The same load, sent from where the engine publishes its ports: from here when the engine is local,
 * from the probe on the engine's host when it is remote (engine-probe.ts), stopped by a file there.
 */
export async function startEngineLoad(docker: DockerClient, options: LoadOptions): Promise<RunningLoad> {
  if ((await docker.site()).local) return startLoad(options);
  const { port, path = '/health', rate = 50, maxMs = 60_000, maxRequests = 10_000, inFlight = 32 } = options;
  const stopFile = `/tmp/lab-load-${process.pid}-${Date.now()}`;
  const probe = await ensureProbe(docker);
  const running = runInProbe<LoadResult>(docker, LOAD_SCRIPT, { url: `http://127.0.0.1:${port}${path}`, rate, maxMs, maxRequests, inFlight, stopFile }, maxMs + 30_000);
  running.catch(() => undefined);
  return {
    async stop() {
      await docker.exec(probe, ['sh', '-c', `touch ${stopFile}`]);
      try {
        return await running;
      } finally {
        await docker.exec(probe, ['rm', '-f', stopFile]).catch(() => undefined);
      }
    },
  };
}
