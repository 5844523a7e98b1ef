import { describe, expect, it } from '@jest/globals';
import { createRateLimiter } from '../../src/class/rate-limit.js';

describe('the per-learner rate limit', () => {
  it('allows a burst, then refuses with the time until a token is back', () => {
    let now = 0;
    const limiter = createRateLimiter({ rate: 10, burst: 20, now: () => now });
    expect(limiter.take('a', 20)).toEqual({ ok: true });
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 100 });
    now = 100;
    expect(limiter.take('a')).toEqual({ ok: true });
  });

  it('keeps each learner to their own bucket', () => {
    const limiter = createRateLimiter({ rate: 1, burst: 2, now: () => 0 });
    expect(limiter.take('a', 2).ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    expect(limiter.take('b', 2).ok).toBe(true);
  });

  it('refills at the rate, never beyond the burst', () => {
    let now = 0;
    const limiter = createRateLimiter({ rate: 10, burst: 20, now: () => now });
    now = 60_000;
    expect(limiter.take('a', 20).ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });
});
