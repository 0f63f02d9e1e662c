import type { Redis } from 'ioredis';
import { bucketOf, type RateLimit, type RateLimitDecision } from '../domain/rate-limit.ts';
import type { RateLimiter, SharedBudgets } from '../use-cases/ports.ts';

// What both scripts start with. Time comes from the Redis server, so gateway replicas with
// skewed clocks still share one budget per client; a budget's arrival time is never before now
// (an idle budget is full again).
const NOW_AND_TAT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local function tat_of(key)
  local stored = redis.call('GET', key)
  if stored then return math.max(tonumber(stored), now) end
  return now
end
`;

// domain/rate-limit.ts's gcraStep, in one round trip and atomically.
const GCRA = `${NOW_AND_TAT}
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2]) * 1000000
local interval = period / limit
local tat = tat_of(KEYS[1])
local nextTat = math.floor(tat + interval)
local allowAt = nextTat - period
if now < allowAt then
  return {0, 0, math.ceil((tat - now) / 1000000), math.max(1, math.ceil((allowAt - now) / 1000000))}
end
redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.ceil((nextTat - now) / 1000))
return {1, math.max(0, math.floor((period - (nextTat - now)) / interval)), math.ceil((nextTat - now) / 1000000), 0}
`;

type GcraReply = [number, number, number, number];

// SharedBudgets.spend: for each key, ARGV holds the cells spent, the limit and the period in
// seconds. The same keys and arrival times as GCRA's, so a policy can move between the two.
const SPEND = `${NOW_AND_TAT}
local replies = {}
for k, key in ipairs(KEYS) do
  local cells = tonumber(ARGV[3 * k - 2])
  local interval = tonumber(ARGV[3 * k]) * 1000000 / tonumber(ARGV[3 * k - 1])
  local tat = math.floor(tat_of(key) + cells * interval)
  redis.call('SET', key, string.format('%.0f', tat), 'PX', math.max(1, math.ceil((tat - now) / 1000)))
  replies[k] = tat - now
end
return replies
`;

declare module 'ioredis' {
  interface RedisCommander {
    chirpGcra(key: string, limit: number, periodSeconds: number): Promise<GcraReply>;
    chirpSpend(numberOfKeys: number, ...keysThenArgs: Array<string | number>): Promise<number[]>;
  }
}

const keyOf = (bucket: string) => `rl:${bucket}`;

/** Budgets in Redis, shared by every gateway replica; one key per client and policy, gone once its budget is full again. */
export function createRedisRateLimiter(redis: Redis): RateLimiter {
  if (typeof (redis as Partial<Redis>).chirpGcra !== 'function') redis.defineCommand('chirpGcra', { numberOfKeys: 1, lua: GCRA });
  return {
    async consume(key: string, limit: RateLimit): Promise<RateLimitDecision> {
      const [allowed, remaining, resetSeconds, retryAfterSeconds] = await redis.chirpGcra(keyOf(bucketOf(key, limit)), limit.limit, limit.periodSeconds);
      return { allowed: allowed === 1, limit: limit.limit, remaining, resetSeconds, retryAfterSeconds };
    },
  };
}

/** The shared arrival times of synced limiters (createSyncedRateLimiter): one script call per batch of budgets. */
export function createRedisSharedBudgets(redis: Redis): SharedBudgets {
  if (typeof (redis as Partial<Redis>).chirpSpend !== 'function') redis.defineCommand('chirpSpend', { lua: SPEND });
  return {
    async spend(spends) {
      if (spends.length === 0) return [];
      const args = spends.flatMap((spent) => [spent.cells, spent.limit.limit, spent.limit.periodSeconds]);
      return redis.chirpSpend(spends.length, ...spends.map((spent) => keyOf(spent.bucket)), ...args);
    },
  };
}
