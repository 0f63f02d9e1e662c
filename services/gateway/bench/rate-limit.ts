// What the gateway's rate limit costs per request: the shared budget in Redis (one GCRA script
// per request, as shipped) against budgets in this process alone (the fallback while Redis is
// away), interleaved.
//   node services/gateway/bench/rate-limit.ts [--clients 200] [--calls 20000] [--rounds 7]
// Requests come one at a time from `clients` clients in turn under the authenticated policy's
// default (600 a minute, so all are allowed). Per request: CPU of this process
// (process.cpuUsage) and of Redis (/proc/PID/stat, so Redis must run on this machine), and the
// wall time of one decision, which a request waits for before it is proxied; medians of the
// rounds. Needs the local stack's .stack/env.
import { parseArgs } from 'node:util';
import { interleavedCosts, medianCost, redisServerPid } from '@chirp/testing/cpu-counters';
import { createTestRedis } from '@chirp/testing/stack';
import type { RateLimit } from '../src/domain/rate-limit.ts';
import { createInProcessRateLimiter } from '../src/infrastructure/in-process-rate-limiter.ts';
import { createRedisRateLimiter } from '../src/infrastructure/redis-rate-limiter.ts';
import type { RateLimiter } from '../src/use-cases/ports.ts';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '200' }, calls: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '7' } } });
const [clients, calls, rounds] = [Number(values.clients), Number(values.calls), Number(values.rounds)];
const testRedis = createTestRedis();
const { redis } = testRedis;
const policy: RateLimit = { policy: 'authenticated', limit: 600, periodSeconds: 60 };

let denied = 0;
/** One request's decision. Each round starts from full budgets: keys of its own, so no earlier round spent them; warm-up calls use keys of their own too. */
const decide = (limiter: RateLimiter) => async (call: number, round: number) => {
  const client = call < 0 ? `warm-${round}${call}` : `user-${round}-${call % clients}`;
  if (!(await limiter.consume(client, policy)).allowed && call >= 0) denied += 1;
};
const results = await interleavedCosts(
  { 'Redis (shared, as shipped)': decide(createRedisRateLimiter(redis)), 'in this process (the fallback)': decide(createInProcessRateLimiter()) },
  { rounds, calls, warmUp: 500, serverPid: await redisServerPid(redis) },
);
// 20,000 calls over 200 clients is 100 each, within 600 a minute: a denial means the benchmark measured the wrong thing.
if (denied > 0) throw new Error(`${denied} requests were denied; lower --calls or raise --clients so every client stays within its budget`);

for (const [name, samples] of results) {
  console.log(`${name}: gateway ${medianCost(samples, 'node')} µs + Redis ${medianCost(samples, 'server')} µs CPU, ${medianCost(samples, 'wall')} µs wall per request (median of ${rounds} rounds of ${calls})`);
}
console.log(`(Redis CPU comes in 10 ms ticks: ${calls} calls per round resolve ${(10_000 / calls).toFixed(2)} µs)`);
await testRedis.cleanup();
