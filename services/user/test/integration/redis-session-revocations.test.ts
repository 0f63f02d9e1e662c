// The SessionRevocations suite against the Redis adapter, probed with the gateway's own reader
// (`watchRevokedSessions`) loading the shared set. Each case has its own key prefix and a clock
// both sides go by, so nothing waits for a revocation to run out. Then what only the adapter
// does: delivery that survives an unreachable Redis, and the replay from Postgres on connecting.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@chirp/common/logging';
import { watchRevokedSessions } from '@chirp/common/session-revocations';
import { eventually } from '@chirp/testing/eventually';
import { aClock } from '@chirp/testing/fakes';
import { stackEnv, uniqueName } from '@chirp/testing/stack';
import { Redis, type RedisOptions } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisSessionRevocations, type RedisSessionRevocationsOptions } from '../../src/infrastructure/redis-session-revocations.ts';
import { sessionRevocationsContract } from '../contract/session-revocations.contract.ts';

const ACCESS_TOKEN_TTL_SECONDS = 900;
const opened: Redis[] = [];
const closers: Array<() => void> = [];
const prefixes: string[] = [];
const connect = (options: RedisOptions = {}) => {
  const redis = new Redis(stackEnv().REDIS_URL, { maxRetriesPerRequest: 1, ...options });
  redis.on('error', () => undefined);
  opened.push(redis);
  return redis;
};

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  const cleaner = connect();
  for (const prefix of prefixes.splice(0)) await cleaner.del(`${prefix}revoked`);
  for (const redis of opened.splice(0)) redis.disconnect();
});

/** A connection as main.ts makes it (a command fails at once while Redis is away instead of queueing), once it is ready. */
async function aReadyConnection(): Promise<Redis> {
  const redis = connect({ maxRetriesPerRequest: 0, enableOfflineQueue: false });
  await eventually(() => redis.status === 'ready', 'the Redis connection is ready', 5000);
  return redis;
}

/** The adapter under a fresh prefix, with the gateway's reader over the same set, both on `clock`. */
async function aRedisRevocations(options: { redis?: Redis; sessions?: RedisSessionRevocationsOptions['sessions']; onDeliveryFailure?: () => void } = {}) {
  const prefix = `${uniqueName('t:')}:sessions:`;
  prefixes.push(prefix);
  const clock = aClock(new Date());
  const now = () => clock.now().getTime();
  const reader = connect();
  const revocations = createRedisSessionRevocations({
    redis: options.redis ?? (await aReadyConnection()),
    prefix,
    accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
    sessions: options.sessions ?? { listSessionsRevokedSince: async () => [] },
    log: createLogger('user', 'silent'),
    retryMs: 50,
    now,
    ...(options.onDeliveryFailure ? { onDeliveryFailure: options.onDeliveryFailure } : {}),
  });
  closers.push(revocations.close);
  /** Whether a gateway starting now refuses the session: it subscribes, loads the set, and answers from what it loaded. */
  const refuses = async (sessionId: string) => {
    const gateway = watchRevokedSessions({ subscriber: connect(), reader, prefix, now });
    try {
      if (!(await gateway.whenInSync(5000))) throw new Error(`the gateway's reader did not load ${prefix}revoked within 5 s; check REDIS_URL and the server`);
      return gateway.has(sessionId);
    } finally {
      await gateway.close();
    }
  };
  return { revocations, clock, accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS, refuses };
}

sessionRevocationsContract("Redis, read by the gateway's reader", async () => aRedisRevocations());

describe('Redis session revocations, beyond the contract', () => {
  it("when the gateways' Redis cannot be reached, then announce still resolves, and the session is refused once Redis is back", async () => {
    const redis = await aReadyConnection();
    let failures = 0;
    const { revocations, clock, refuses } = await aRedisRevocations({ redis, onDeliveryFailure: () => (failures += 1) });
    redis.disconnect();
    const sessionId = randomUUID();
    await revocations.announce({ sessionId, revokedAt: clock.now() });
    expect(failures).toBeGreaterThan(0);
    expect(await refuses(sessionId)).toBe(false);
    await redis.connect();
    await eventually(() => refuses(sessionId), 'the revocation reaches Redis after it is back', 5000);
  });

  it('when the connection becomes ready, then sessions the store revoked within one token lifetime are announced again, older ones not', async () => {
    const recent = randomUUID();
    const old = randomUUID();
    let asked: Date | undefined;
    const redis = connect({ maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
    const { clock, accessTokenTtlSeconds, refuses } = await aRedisRevocations({
      redis,
      sessions: {
        listSessionsRevokedSince: async (since) => {
          asked = since;
          const now = clock.now().getTime();
          return [
            { sessionId: recent, revokedAt: new Date(now - 600_000) },
            { sessionId: old, revokedAt: new Date(now - (accessTokenTtlSeconds + 3600) * 1000) },
          ];
        },
      },
    });
    await redis.connect();
    await eventually(() => refuses(recent), 'the recently revoked session is announced again on connecting', 5000);
    expect(await refuses(old)).toBe(false);
    expect(clock.now().getTime() - asked!.getTime()).toBeGreaterThanOrEqual(accessTokenTtlSeconds * 1000);
  });
});
