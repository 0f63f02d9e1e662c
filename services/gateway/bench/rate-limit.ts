// What the gateway's rate limit costs per request: the budget checked in Redis on every request
// (one GCRA script: sign-in, session and post, and every policy with RATE_LIMIT_SYNC_MS=0)
// against the budget decided in this process and synced to Redis (the general budgets, as
// shipped), interleaved.
//   node services/gateway/bench/rate-limit.ts [--clients 200] [--calls 20000] [--rounds 7] [--per-sync 10]
// Requests come one at a time from `clients` clients in turn under the authenticated policy's
// default (600 a minute, so all are allowed). The synced limiter syncs every `per-sync`
// requests: 10 is the cost table's 100 requests/s at the default RATE_LIMIT_SYNC_MS of 100 ms
// (at a higher rate a sync carries more). Per request: CPU of this process (process.cpuUsage)
// and of Redis (/proc/PID/stat, so Redis must run on this machine), and the wall time of one
// decision, which a request waits for before it is proxied; medians of the rounds. Needs the
// local stack's .stack/env.
import { parseArgs } from 'node:util';
import { interleavedCosts, printBeforeAfter, redisServerPid } from '@chirp/testing/cpu-counters';
import { createTestRedis } from '@chirp/testing/stack';
import type { RateLimit } from '../src/domain/rate-limit.ts';
import { createRedisRateLimiter, createRedisSharedBudgets } from '../src/infrastructure/redis-rate-limiter.ts';
import { createSyncedRateLimiter } from '../src/infrastructure/synced-rate-limiter.ts';
import type { RateLimiter } from '../src/use-cases/ports.ts';

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '200' }, calls: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '7' }, 'per-sync': { type: 'string', default: '10' } },
});
const [clients, calls, rounds, perSync] = [Number(values.clients), Number(values.calls), Number(values.rounds), Number(values['per-sync'])];
const testRedis = createTestRedis();
const { redis } = testRedis;
const policy: RateLimit = { policy: 'authenticated', limit: 600, periodSeconds: 60 };
// Synced only when this benchmark says: its loop never yields to a timer.
const synced = createSyncedRateLimiter(createRedisSharedBudgets(redis), { syncEveryMs: 3_600_000, onFailure: (error) => { throw error; } });

let denied = 0;
/** One request's decision. Each round starts from full budgets: keys of its own, so no earlier round spent them; warm-up calls use keys of their own too. */
const decide = (limiter: RateLimiter, sync?: () => Promise<void>) => async (call: number, round: number) => {
  const client = call < 0 ? `warm-${round}${call}` : `user-${round}-${call % clients}`;
  if (!(await limiter.consume(client, policy)).allowed && call >= 0) denied += 1;
  if (sync && Math.abs(call) % perSync === 0) await sync();
};
const results = await interleavedCosts(
  { 'checked in Redis every request': decide(createRedisRateLimiter(redis)), [`decided here, synced every ${perSync} requests`]: decide(synced, () => synced.sync()) },
  { rounds, calls, warmUp: 500, serverPid: await redisServerPid(redis) },
);
// 20,000 calls over 200 clients is 100 each, within 600 a minute: a denial means the benchmark measured the wrong thing.
if (denied > 0) throw new Error(`${denied} requests were denied; lower --calls or raise --clients so every client stays within its budget`);
printBeforeAfter(results, { process: 'gateway', server: 'Redis', per: 'request', rounds, calls, comparison: 'synced vs checked every request' });
await synced.close();
await testRedis.cleanup();
