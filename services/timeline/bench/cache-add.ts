// CPU per fan-out chunk written to the cached home timelines: one script call per reader (before
// #16's cut) or one per 100 readers (as shipped), interleaved.
//   node services/timeline/bench/cache-add.ts [--readers 39] [--chunks 2000] [--rounds 7]
// A chunk is --readers readers (Reed98's posts reach 39 on average), half of them with a cached
// timeline at its full depth (each add trims one and names the oldest kept), half with none (an
// inactive reader whose entry expired). CPU is this process's and Redis's (/proc), per chunk.
// Needs the local stack's .stack/env.
import { parseArgs } from 'node:util';
import { createLogger } from '@chirp/common/logging';
import { createIdGenerator } from '@chirp/kernel/ids';
import { interleavedCosts, printBeforeAfter, redisServerPid } from '@chirp/testing/cpu-counters';
import { createTestRedis } from '@chirp/testing/stack';
import { MAX_HOME_ITEMS } from '../src/domain/timeline.ts';
import { createRedisTimelineCache } from '../src/infrastructure/redis-timeline-cache.ts';

const { values } = parseArgs({ options: { readers: { type: 'string', default: '39' }, chunks: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '7' } } });
const [chunkReaders, chunks, rounds] = [Number(values.readers), Number(values.chunks), Number(values.rounds)];
const testRedis = createTestRedis();
const { redis } = testRedis;
const log = createLogger('bench', 'warn');
const perReader = createRedisTimelineCache(redis, { ttlSeconds: 3600, log, keysPerAdd: 1 });
const shipped = createRedisTimelineCache(redis, { ttlSeconds: 3600, log });

const ids = createIdGenerator({ workerId: 1003 });
const readers = Array.from({ length: 400 }, (_, i) => String(20_000 + i));
const timeline = Array.from({ length: MAX_HOME_ITEMS }, () => ids.next()).reverse();
for (const reader of readers.filter((_, i) => i % 2 === 0)) await shipped.rebuild(reader, async () => timeline);

/** The chunk of call `call`: a window of consecutive readers that moves on by a prime, so chunks overlap differently. */
const chunkOf = (call: number) => Array.from({ length: chunkReaders }, (_, k) => readers[(Math.abs(call) * 37 + k) % readers.length]!);
const add = (cache: typeof shipped) => async (call: number) => {
  const depths = await cache.add(chunkOf(call), ids.next());
  if (![...depths.values()].some((depth) => depth.state === 'full')) throw new Error('no reader reported a full timeline: the entries were not built');
};
const variants = { 'a call per reader': add(perReader), 'a call per 100 readers': add(shipped) };
const results = await interleavedCosts(variants, { rounds, calls: chunks, warmUp: 200, serverPid: await redisServerPid(redis) });
printBeforeAfter(results, { process: 'this process', server: 'Redis', per: `chunk of ${chunkReaders}`, rounds, calls: chunks, comparison: 'one call vs a call per reader' });
await testRedis.cleanup();
