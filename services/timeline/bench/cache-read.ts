// CPU per cached home-timeline read (the first page of 11, as the gateway asks for 10), reading
// 64 members beyond the page (before #16's cut) or 8 (as shipped), interleaved.
//   node services/timeline/bench/cache-read.ts [--redis-pid PID, default: the one INFO names] [--reads 5000] [--rounds 7]
// CPU is this process's (process.cpuUsage) and Redis's (/proc/PID/stat), per read, median of the rounds.
// Needs the local stack's .stack/env.
import { parseArgs } from 'node:util';
import { createLogger } from '@chirp/common/logging';
import { createIdGenerator } from '@chirp/kernel/ids';
import { median, ownCpuMs as nodeCpuMs, processCpuMs, redisServerPid } from '@chirp/testing/cpu-counters';
import { createTestRedis } from '@chirp/testing/stack';
import { MAX_HOME_ITEMS } from '../src/domain/timeline.ts';
import { createRedisTimelineCache } from '../src/infrastructure/redis-timeline-cache.ts';

const { values } = parseArgs({ options: { 'redis-pid': { type: 'string' }, reads: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '7' } } });
const [reads, rounds] = [Number(values.reads), Number(values.rounds)];
const testRedis = createTestRedis();
const { redis } = testRedis;
// Redis must run on this machine: its CPU is read from /proc (INFO names its pid unless --redis-pid does).
const redisPid = values['redis-pid'] ? Number(values['redis-pid']) : await redisServerPid(redis);
const log = createLogger('bench', 'warn');
const variants = {
  'margin 64': createRedisTimelineCache(redis, { ttlSeconds: 3600, log, firstStepMargin: 64 }),
  'margin 8': createRedisTimelineCache(redis, { ttlSeconds: 3600, log }),
};
const ids = createIdGenerator({ workerId: 1002 });
const readers = Array.from({ length: 50 }, (_, i) => String(9_000 + i));
const timeline = Array.from({ length: MAX_HOME_ITEMS }, () => ids.next()).reverse();
for (const reader of readers) await variants['margin 8'].rebuild(reader, async () => timeline);

const redisCpuMs = () => processCpuMs(redisPid);
const results = new Map(Object.keys(variants).map((name) => [name, { node: [] as number[], redis: [] as number[] }]));
for (let round = 0; round < rounds; round += 1) {
  for (const [name, cache] of Object.entries(variants)) {
    const [node0, redis0] = [nodeCpuMs(), redisCpuMs()];
    for (let i = 0; i < reads; i += 10) await Promise.all(Array.from({ length: 10 }, (_, k) => cache.read(readers[(i + k) % readers.length]!, undefined, 11)));
    results.get(name)!.node.push(((nodeCpuMs() - node0) / reads) * 1000);
    results.get(name)!.redis.push(((redisCpuMs() - redis0) / reads) * 1000);
  }
}
for (const [name, result] of results) console.log(`${name}: timeline ${median(result.node).toFixed(1)} µs + redis ${median(result.redis).toFixed(1)} µs CPU per read (median of ${rounds} rounds of ${reads})`);
await testRedis.cleanup();
