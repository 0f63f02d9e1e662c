import type { Redis } from 'ioredis';
import type { RateLimit, RateLimitDecision } from '../domain/rate-limit.ts';
import type { RateLimiter } from '../use-cases/ports.ts';

// domain/rate-limit.ts's gcraStep, in one round trip and atomically. Time comes from the Redis
// server, so gateway replicas with skewed clocks still share one budget per client.
const GCRA = `
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2]) * 1000000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = period / limit
local stored = redis.call('GET', KEYS[1])
local tat = now
if stored then tat = math.max(tonumber(stored), now) end
local nextTat = math.floor(tat + interval)
local allowAt = nextTat - period
if now < allowAt then
  return {0, 0, math.ceil((tat - now) / 1000000), math.max(1, math.ceil((allowAt - now) / 1000000))}
end
redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.ceil((nextTat - now) / 1000))
return {1, math.max(0, math.floor((period - (nextTat - now)) / interval)), math.ceil((nextTat - now) / 1000000), 0}
`;

type GcraReply = [number, number, number, number];

declare module 'ioredis' {
  interface RedisCommander {
    chirpGcra(key: string, limit: number, periodSeconds: number): Promise<GcraReply>;
  }
}

/** Budgets in Redis, shared by every gateway replica; one key per client and policy, gone once its budget is full again. */
export function createRedisRateLimiter(redis: Redis): RateLimiter {
  if (typeof (redis as Partial<Redis>).chirpGcra !== 'function') redis.defineCommand('chirpGcra', { numberOfKeys: 1, lua: GCRA });
  return {
    async consume(key: string, limit: RateLimit): Promise<RateLimitDecision> {
      const [allowed, remaining, resetSeconds, retryAfterSeconds] = await redis.chirpGcra(`rl:${limit.policy}:${key}`, limit.limit, limit.periodSeconds);
      return { allowed: allowed === 1, limit: limit.limit, remaining, resetSeconds, retryAfterSeconds };
    },
  };
}
