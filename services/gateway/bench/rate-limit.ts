// What the gateway's rate limit costs per request: the shared budget in Redis (one GCRA script
// per request, as shipped) against budgets in this process alone (the fallback while Redis is
// away), interleaved.
//   node services/gateway/bench/rate-limit.ts [--clients 200] [--calls 20000] [--rounds 7]
// Requests come one at a time from `clients` clients in turn under the authenticated policy's
// default (600 a minute, so all are allowed). Per request: CPU of this process
// (process.cpuUsage) and of Redis (/proc/PID/stat, so Redis must run on this machine), and the
// wall time of one decision, which a request waits for before it is proxied; medians of the
// rounds. Needs REDIS_URL (the local stack's .stack/env).
import { parseArgs } from 'node:util';
import { median, ownCpuMs, processCpuMs, redisServerPid } from '@chirp/testing/cpu-counters';
import { Redis } from 'ioredis';
import type { RateLimit } from '../src/domain/rate-limit.ts';
import { createInProcessRateLimiter } from '../src/infrastructure/in-process-rate-limiter.ts';
import { createRedisRateLimiter } from '../src/infrastructure/redis-rate-limiter.ts';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '200' }, calls: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '7' } } });
if (!process.env.REDIS_URL) throw new Error('REDIS_URL must be set; source .stack/env');
const [clients, calls, rounds] = [Number(values.clients), Number(values.calls), Number(values.rounds)];
const prefix = `bench:rate-limit:${Date.now().toString(36)}:`;
const redis = new Redis(process.env.REDIS_URL, { keyPrefix: prefix });
const redisPid = await redisServerPid(redis);
const policy: RateLimit = { policy: 'authenticated', limit: 600, periodSeconds: 60 };
const variants = { 'Redis (shared, as shipped)': createRedisRateLimiter(redis), 'in this process (the fallback)': createInProcessRateLimiter() };

type Sample = { node: number; redis: number; wall: number };
const results = new Map<string, Sample[]>(Object.keys(variants).map((name) => [name, []]));
let denied = 0;
for (let round = 0; round < rounds; round += 1) {
  const order = round % 2 === 0 ? Object.entries(variants) : Object.entries(variants).reverse();
  for (const [name, limiter] of order) {
    // Each round starts from full budgets: keys of its own, so no earlier round spent them.
    const client = (i: number) => `user-${round}-${i % clients}`;
    for (let i = 0; i < 500; i += 1) await limiter.consume(`warm-${round}-${i}`, policy);
    const [node0, redis0, wall0] = [ownCpuMs(), processCpuMs(redisPid), performance.now()];
    for (let i = 0; i < calls; i += 1) if (!(await limiter.consume(client(i), policy)).allowed) denied += 1;
    const perCall = (ms: number) => (ms / calls) * 1000;
    results.get(name)!.push({ node: perCall(ownCpuMs() - node0), redis: perCall(processCpuMs(redisPid) - redis0), wall: perCall(performance.now() - wall0) });
  }
}
// 20,000 calls over 200 clients is 100 each, within 600 a minute: a denial means the benchmark measured the wrong thing.
if (denied > 0) throw new Error(`${denied} requests were denied; lower --calls or raise --clients so every client stays within its budget`);

for (const [name, samples] of results) {
  const m = (field: keyof Sample) => median(samples.map((sample) => sample[field])).toFixed(1);
  console.log(`${name}: gateway ${m('node')} µs + Redis ${m('redis')} µs CPU, ${m('wall')} µs wall per request (median of ${rounds} rounds of ${calls})`);
}
console.log(`(Redis CPU comes in 10 ms ticks: ${calls} calls per round resolve ${(10_000 / calls).toFixed(2)} µs)`);
const keys = await redis.keys(`${prefix}*`);
for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000).map((key) => key.slice(prefix.length)));
await redis.quit();
