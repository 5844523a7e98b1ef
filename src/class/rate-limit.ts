/** A token bucket per key: `rate` tokens a second, holding at most `burst`. */
export interface RateLimiter {
  /** Takes `count` tokens for `key` if it has them; else says how many ms until it would. */
  take(key: string, count?: number): { ok: true } | { ok: false; retryAfterMs: number };
}

export function createRateLimiter({ rate = 10, burst = 20, now = () => Date.now() }: { rate?: number; burst?: number; now?: () => number } = {}): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, count = 1) {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: burst, at: t };
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * rate);
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens >= count) {
        bucket.tokens -= count;
        return { ok: true };
      }
      return { ok: false, retryAfterMs: Math.ceil(((Math.min(count, burst) - bucket.tokens) / rate) * 1000) };
    },
  };
}
