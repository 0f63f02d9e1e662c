import { describe, expect, it } from 'vitest';
import type { RateLimiter } from '../../src/use-cases/ports.ts';

/** What every RateLimiter does, whichever store it keeps budgets in. */
export function rateLimiterContract(name: string, make: () => Promise<{ limiter: RateLimiter; cleanup?: () => Promise<void> }>) {
  describe(`${name} honours the RateLimiter contract`, () => {
    const withLimiter = (test: (limiter: RateLimiter) => Promise<void>) => async () => {
      const { limiter, cleanup } = await make();
      try {
        await test(limiter);
      } finally {
        await cleanup?.();
      }
    };

    it(
      'when a client spends its budget, then it is refused with Retry-After, while other clients and policies keep theirs',
      withLimiter(async (limiter) => {
        const limit = { policy: 'p', limit: 3, periodSeconds: 60 };
        const remaining = [];
        for (let i = 0; i < 3; i += 1) remaining.push((await limiter.consume('ip:1.2.3.4', limit)).remaining);
        expect(remaining).toEqual([2, 1, 0]);
        const refused = await limiter.consume('ip:1.2.3.4', limit);
        expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
        expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(19);
        expect(refused.retryAfterSeconds).toBeLessThanOrEqual(20);
        expect(refused.resetSeconds).toBeGreaterThanOrEqual(59);
        expect(await limiter.consume('ip:5.6.7.8', limit)).toMatchObject({ allowed: true, remaining: 2 });
        expect(await limiter.consume('ip:1.2.3.4', { ...limit, policy: 'other' })).toMatchObject({ allowed: true, remaining: 2 });
      }),
    );

    it(
      'when one interval passes, then one more request is allowed',
      withLimiter(async (limiter) => {
        // A request every second (4 in 4 s): the interval is long enough for a loaded machine's calls.
        const limit = { policy: 'p', limit: 4, periodSeconds: 4 };
        for (let i = 0; i < 4; i += 1) await limiter.consume('u:9', limit);
        expect((await limiter.consume('u:9', limit)).allowed).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 1200));
        expect(await limiter.consume('u:9', limit)).toMatchObject({ allowed: true });
        expect((await limiter.consume('u:9', limit)).allowed).toBe(false);
      }),
    );
  });
}
