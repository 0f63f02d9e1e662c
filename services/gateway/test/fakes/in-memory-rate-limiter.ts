import { gcraStep, type RateLimit } from '../../src/domain/rate-limit.ts';
import type { RateLimiter } from '../../src/use-cases/ports.ts';

/** The rate limiter on a map and an injectable clock (microseconds), for tests without Redis. */
export function createInMemoryRateLimiter(nowMicros: () => number = () => Date.now() * 1000): RateLimiter {
  const tats = new Map<string, number>();
  return {
    async consume(key: string, limit: RateLimit) {
      const bucket = `${limit.policy}:${key}`;
      const step = gcraStep(tats.get(bucket), nowMicros(), limit);
      if (step.nextTatMicros !== undefined) tats.set(bucket, step.nextTatMicros);
      return step.decision;
    },
  };
}
