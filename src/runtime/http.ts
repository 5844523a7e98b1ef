export type HttpOutcome = { ok: true; status: number; body: string; headers: Record<string, string> } | { ok: false; error: string };

/** Requests from the host go only to 127.0.0.1 ports that lab containers publish. */
export interface HttpClient {
  request(url: string, options?: { method?: string; headers?: Record<string, string>; timeoutMs?: number }): Promise<HttpOutcome>;
}

export function createHttpClient(): HttpClient {
  return {
    async request(url, { method = 'GET', headers = {}, timeoutMs = 3_000 } = {}) {
      try {
        const response = await fetch(url, { method, headers, signal: AbortSignal.timeout(timeoutMs) });
        const body = method === 'HEAD' ? '' : await response.text();
        return { ok: true, status: response.status, body, headers: Object.fromEntries(response.headers.entries()) };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        const name = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : undefined;
        return { ok: false, error: name ?? cause ?? (error as Error).message };
      }
    },
  };
}
