import { createTestRedis } from '@chirp/testing/stack';
import { describe, expect, it } from 'vitest';
import { createRedisRateLimiter, createRedisSharedBudgets } from '../../src/infrastructure/redis-rate-limiter.ts';
import { createSyncedRateLimiter } from '../../src/infrastructure/synced-rate-limiter.ts';
import { rateLimiterContract } from '../contract/rate-limiter.contract.ts';
import { sharedBudgetsContract } from '../contract/shared-budgets.contract.ts';

rateLimiterContract('the Redis rate limiter', async () => {
  const { redis, cleanup } = createTestRedis();
  return { limiter: createRedisRateLimiter(redis), cleanup };
});

sharedBudgetsContract('the Redis shared budgets', async () => {
  const { redis, cleanup } = createTestRedis();
  return { budgets: createRedisSharedBudgets(redis), cleanup };
});
rateLimiterContract('the synced rate limiter on Redis', async () => {
  const { redis, cleanup } = createTestRedis();
  const limiter = createSyncedRateLimiter(createRedisSharedBudgets(redis), {
    syncEveryMs: 50,
    onFailure: (error) => {
      throw error;
    },
  });
  return {
    limiter,
    cleanup: async () => {
      await limiter.close();
      await cleanup();
    },
  };
});

describe('the synced rate limiter on Redis', () => {
  it('when two replicas share one Redis, then after syncing each counts the other, in the keys the exact limiter uses', async () => {
    const first = createTestRedis();
    const second = { redis: first.redis.duplicate() };
    const replica = (redis: typeof first.redis) => createSyncedRateLimiter(createRedisSharedBudgets(redis), { syncEveryMs: 60_000, onFailure: (error) => expect.fail(String(error)) });
    const [a, b] = [replica(first.redis), replica(second.redis)];
    try {
      const limit = { policy: 'p', limit: 4, periodSeconds: 60 };
      for (let i = 0; i < 3; i += 1) expect((await a.consume('u:1', limit)).allowed).toBe(true);
      await a.sync();
      expect(await b.consume('u:1', limit)).toMatchObject({ allowed: true });
      await b.sync();
      expect((await b.consume('u:1', limit)).allowed).toBe(false);
      // Four of four spent: the exact limiter reads the same key and refuses too.
      expect((await createRedisRateLimiter(first.redis).consume('u:1', limit)).allowed).toBe(false);
      const ttl = await first.redis.pttl('rl:p:u:1');
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      await Promise.all([a.close(), b.close()]);
      second.redis.disconnect();
      await first.cleanup();
    }
  });
});

describe('the Redis rate limiter', () => {
  it('when a budget is full again, then its key is gone (nothing accumulates per client)', async () => {
    const { redis, cleanup } = createTestRedis();
    try {
      const limiter = createRedisRateLimiter(redis);
      // One of two used: full again after half the period (30 s), when the key expires.
      await limiter.consume('ip:9.9.9.9', { policy: 'p', limit: 2, periodSeconds: 60 });
      const ttl = await redis.pttl('rl:p:ip:9.9.9.9');
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
    } finally {
      await cleanup();
    }
  });

  // The configuration refuses limits past this bound (test/unit/config.test.ts): one past it is the `PX 0` the script would fail on.
  it('when the limit is one request per microsecond of the period, the most the config allows, then the script still works', async () => {
    const { redis, cleanup } = createTestRedis();
    try {
      const limiter = createRedisRateLimiter(redis);
      const decision = await limiter.consume('ip:9.9.9.8', { policy: 'p', limit: 60_000_000, periodSeconds: 60 });
      expect(decision).toMatchObject({ allowed: true, limit: 60_000_000 });
      await expect(limiter.consume('ip:9.9.9.7', { policy: 'p', limit: 120_000_000, periodSeconds: 60 })).rejects.toThrow(/expire/);
    } finally {
      await cleanup();
    }
  });

  it('when two gateway replicas share one Redis, then they share each budget', async () => {
    const first = createTestRedis();
    const second = { redis: first.redis.duplicate() };
    try {
      const limit = { policy: 'p', limit: 2, periodSeconds: 60 };
      const a = createRedisRateLimiter(first.redis);
      const b = createRedisRateLimiter(second.redis);
      expect((await a.consume('u:1', limit)).allowed).toBe(true);
      expect((await b.consume('u:1', limit)).allowed).toBe(true);
      expect((await a.consume('u:1', limit)).allowed).toBe(false);
    } finally {
      second.redis.disconnect();
      await first.cleanup();
    }
  });
});
