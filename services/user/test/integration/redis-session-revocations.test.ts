// The SessionRevocations suite against the Redis adapter, probed with the gateway's own reader
// (`watchRevokedSessions`) loading the shared set. Each case has its own key prefix and a clock
// both sides go by, so nothing waits for a revocation to run out.
import { createLogger } from '@chirp/common/logging';
import { watchRevokedSessions } from '@chirp/common/session-revocations';
import { aClock } from '@chirp/testing/fakes';
import { stackEnv, uniqueName } from '@chirp/testing/stack';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { createRedisSessionRevocations } from '../../src/infrastructure/redis-session-revocations.ts';
import { sessionRevocationsContract } from '../contract/session-revocations.contract.ts';

const opened: Redis[] = [];
const closers: Array<() => void> = [];
const prefixes: string[] = [];
const connect = () => {
  const redis = new Redis(stackEnv().REDIS_URL, { maxRetriesPerRequest: 1 });
  opened.push(redis);
  return redis;
};

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  const cleaner = connect();
  for (const prefix of prefixes.splice(0)) await cleaner.del(`${prefix}revoked`);
  for (const redis of opened.splice(0)) redis.disconnect();
});

sessionRevocationsContract("Redis, read by the gateway's reader", async () => {
  const prefix = `${uniqueName('t:')}:sessions:`;
  prefixes.push(prefix);
  const clock = aClock(new Date());
  const now = () => clock.now().getTime();
  const accessTokenTtlSeconds = 900;
  const reader = connect();
  const revocations = createRedisSessionRevocations({
    redis: connect(),
    prefix,
    accessTokenTtlSeconds,
    sessions: { listSessionsRevokedSince: async () => [] },
    log: createLogger('user', 'silent'),
    now,
  });
  closers.push(revocations.close);
  return {
    revocations,
    clock,
    accessTokenTtlSeconds,
    async refuses(sessionId) {
      // A gateway starting now: it subscribes, loads the set, and answers from what it loaded.
      const gateway = watchRevokedSessions({ subscriber: connect(), reader, prefix, now });
      try {
        if (!(await gateway.whenInSync(5000))) throw new Error(`the gateway's reader did not load ${prefix}revoked within 5 s; check REDIS_URL and the server`);
        return gateway.has(sessionId);
      } finally {
        await gateway.close();
      }
    },
  };
});
