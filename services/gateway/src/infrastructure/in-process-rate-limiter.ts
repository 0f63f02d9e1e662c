import { gcraStep, type RateLimit } from '../domain/rate-limit.ts';
import type { RateLimiter } from '../use-cases/ports.ts';

/**
 * Budgets in this process only: each replica counts on its own. The fallback while Redis is
 * away (limits then multiply by the replica count, but sign-in and posting stay limited), and
 * the limiter of tests without Redis. Arrival times in the past are swept, so memory follows
 * the clients active within one period.
 */
export function createInProcessRateLimiter(nowMicros: () => number = () => Date.now() * 1000, sweepEvery = 10_000): RateLimiter {
  const tats = new Map<string, number>();
  let untilSweep = sweepEvery;
  return {
    async consume(key: string, limit: RateLimit) {
      const now = nowMicros();
      if (--untilSweep <= 0) {
        untilSweep = sweepEvery;
        for (const [bucket, tat] of tats) if (tat <= now) tats.delete(bucket);
      }
      const bucket = `${limit.policy}:${key}`;
      const step = gcraStep(tats.get(bucket), now, limit);
      if (step.nextTatMicros !== undefined) tats.set(bucket, step.nextTatMicros);
      return step.decision;
    },
  };
}

/** Redis first; when it fails, the in-process budgets, and `onFailure` so the operator hears of it. */
export function createFailoverRateLimiter(primary: RateLimiter, fallback: RateLimiter, onFailure: (error: unknown) => void): RateLimiter {
  return {
    async consume(key, limit) {
      try {
        return await primary.consume(key, limit);
      } catch (error) {
        onFailure(error);
        return fallback.consume(key, limit);
      }
    },
  };
}
