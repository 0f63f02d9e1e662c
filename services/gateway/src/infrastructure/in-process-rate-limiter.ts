import { bucketOf, gcraStep, type RateLimit, type RateLimitDecision } from '../domain/rate-limit.ts';
import type { RateLimiter } from '../use-cases/ports.ts';

/**
 * Arrival times kept in this process, one per budget (`bucketOf`). Times in the past are swept
 * every `sweepEvery` requests (a past time and none decide alike), so memory follows the clients
 * active within one period. The in-process limiter and the synced one both decide on these.
 */
export function createLocalBudgets(sweepEvery = 10_000) {
  const tats = new Map<string, number>();
  let untilSweep = sweepEvery;
  return {
    /** One request from `bucket` at `now`: the decision, and the arrival time moved when it was allowed. */
    take(bucket: string, now: number, limit: RateLimit): RateLimitDecision {
      if (--untilSweep <= 0) {
        untilSweep = sweepEvery;
        for (const [swept, tat] of tats) if (tat <= now) tats.delete(swept);
      }
      const step = gcraStep(tats.get(bucket), now, limit);
      if (step.nextTatMicros !== undefined) tats.set(bucket, step.nextTatMicros);
      return step.decision;
    },
    /** Moves `bucket`'s arrival time to `tat` if that is later (what other replicas spent). */
    raiseTo(bucket: string, tat: number): void {
      if (tat > (tats.get(bucket) ?? 0)) tats.set(bucket, tat);
    },
  };
}

/**
 * Budgets in this process only: each replica counts on its own. The fallback while Redis is
 * away (limits then multiply by the replica count, but sign-in and posting stay limited), and
 * the limiter of tests without Redis.
 */
export function createInProcessRateLimiter(nowMicros: () => number = () => Date.now() * 1000, sweepEvery = 10_000): RateLimiter {
  const budgets = createLocalBudgets(sweepEvery);
  return {
    async consume(key: string, limit: RateLimit) {
      return budgets.take(bucketOf(key, limit), nowMicros(), limit);
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
