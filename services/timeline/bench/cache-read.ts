// CPU per cached home-timeline read (the first page of 11, as the gateway asks for 10), reading
// 64 members beyond the page (before #16's cut) or 8 (as shipped), interleaved.
//   node services/timeline/bench/cache-read.ts --redis-pid PID [--reads 5000] [--rounds 7]
// CPU is this process's (process.cpuUsage) and Redis's (/proc/PID/stat), per read, median of the rounds.
// Needs REDIS_URL (the local stack's .stack/env).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger } from '@chirp/common/logging';
import { createIdGenerator } from '@chirp/kernel/ids';
import { Redis } from 'ioredis';
import { MAX_HOME_ITEMS } from '../src/domain/timeline.ts';
import { createRedisTimelineCache } from '../src/infrastructure/redis-timeline-cache.ts';

const { values } = parseArgs({ options: { 'redis-pid': { type: 'string' }, reads: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '7' } } });
if (!process.env.REDIS_URL) throw new Error('REDIS_URL must be set; source .stack/env');
if (!values['redis-pid']) throw new Error('--redis-pid is required (the pid of the Redis at REDIS_URL)');
const redisPid = Number(values['redis-pid']);
const [reads, rounds] = [Number(values.reads), Number(values.rounds)];
const prefix = `bench:cache-read:${Date.now().toString(36)}:`;
const redis = new Redis(process.env.REDIS_URL, { keyPrefix: prefix });
const log = createLogger('bench', 'warn');
const variants = {
  'margin 64': createRedisTimelineCache(redis, { ttlSeconds: 3600, log, firstStepMargin: 64 }),
  'margin 8': createRedisTimelineCache(redis, { ttlSeconds: 3600, log }),
};
const ids = createIdGenerator({ workerId: 1002 });
const readers = Array.from({ length: 50 }, (_, i) => String(9_000 + i));
const timeline = Array.from({ length: MAX_HOME_ITEMS }, () => ids.next()).reverse();
for (const reader of readers) await variants['margin 8'].rebuild(reader, async () => timeline);

const redisCpuMs = () => {
  const fields = readFileSync(`/proc/${redisPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const nodeCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const results = new Map(Object.keys(variants).map((name) => [name, { node: [] as number[], redis: [] as number[] }]));
for (let round = 0; round < rounds; round += 1) {
  for (const [name, cache] of Object.entries(variants)) {
    const [node0, redis0] = [nodeCpuMs(), redisCpuMs()];
    for (let i = 0; i < reads; i += 10) await Promise.all(Array.from({ length: 10 }, (_, k) => cache.read(readers[(i + k) % readers.length]!, undefined, 11)));
    results.get(name)!.node.push(((nodeCpuMs() - node0) / reads) * 1000);
    results.get(name)!.redis.push(((redisCpuMs() - redis0) / reads) * 1000);
  }
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
for (const [name, result] of results) console.log(`${name}: timeline ${median(result.node).toFixed(1)} µs + redis ${median(result.redis).toFixed(1)} µs CPU per read (median of ${rounds} rounds of ${reads})`);
const keys = await redis.keys(`${prefix}*`);
if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(prefix.length)));
await redis.quit();
