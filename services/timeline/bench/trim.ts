// CPU per tweet that trims its readers' home timelines (about one tweet in TRIM_EVERY), the
// timeline's half: fan-out to followers whose timelines are cached and at the depth. Two ways, interleaved:
//   counted: every reader's stored timeline counted, then cut (before #16's cut; what readers without a cached copy still get)
//   cached:  cut below the oldest id the cached copy kept, no read (as shipped)
//   node services/timeline/bench/trim.ts --cassandra-pid PID [--followers 40] [--depth 800] [--posts 20] [--rounds 5]
// CPU is this process's (process.cpuUsage) and Cassandra's (/proc/PID/stat), per trimming tweet, median of the rounds.
// Needs CASSANDRA_CONTACT_POINTS and REDIS_URL (the local stack's .stack/env).
import { parseArgs } from 'node:util';
import { createIdGenerator } from '@chirp/kernel/ids';
import { shouldTrim } from '../src/domain/timeline.ts';
import { createCassandraHomeTimelineStore } from '../src/infrastructure/cassandra-home-timeline-store.ts';
import { createRedisTimelineCache } from '../src/infrastructure/redis-timeline-cache.ts';
import type { CachedDepth, TimelineCache } from '../src/use-cases/ports.ts';
import { benchTimelineService, median, openBenchStores, ownCpuMs, processCpuMs } from './bench-support.ts';

const { values } = parseArgs({
  options: {
    'cassandra-pid': { type: 'string' },
    followers: { type: 'string', default: '40' },
    depth: { type: 'string', default: '800' },
    posts: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '5' },
  },
});
if (!values['cassandra-pid']) throw new Error('--cassandra-pid is required (the pid of the Cassandra at CASSANDRA_CONTACT_POINTS)');
const cassandraPid = Number(values['cassandra-pid']);
const [followerCount, depth, postsPerRound, rounds] = [Number(values.followers), Number(values.depth), Number(values.posts), Number(values.rounds)];
const stores = await openBenchStores('trim');
const { client, redis, log } = stores;
const ids = createIdGenerator({ workerId: 1002 });

const homeTimelines = createCassandraHomeTimelineStore(client, { writeBatch: 50 });
const cache = createRedisTimelineCache(redis, { ttlSeconds: 3600, log });
/** The same cache, except that it never says what it found: every reader is trimmed by counting, as before the cut. */
const silentCache: TimelineCache = {
  ...cache,
  add: async (readerIds, tweetId) => {
    await cache.add(readerIds, tweetId);
    return new Map(readerIds.map((readerId): [string, CachedDepth] => [readerId, { state: 'absent' }]));
  },
};
const serviceWith = (timelineCache: TimelineCache) => benchTimelineService(stores, { homeTimelines, cache: timelineCache });

// One author per way, each with followers whose timelines are at the depth, stored and cached.
let sequence = 0;
const ways = { counted: { authorId: '5001', service: serviceWith(silentCache) }, cached: { authorId: '5002', service: serviceWith(cache) } };
console.log(`setting up ${followerCount} followers per way, each timeline ${depth} entries deep, stored and cached`);
for (const [w, { authorId, service }] of Object.entries(ways)) {
  for (let i = 0; i < followerCount; i += 1) {
    const readerId = String(6_000_000 + (w === 'counted' ? 0 : 100_000) + i);
    await service.recordFollowChange({ followerId: readerId, followeeId: authorId, sequence: String((sequence += 1)), following: true });
    await homeTimelines.pushMany(readerId, Array.from({ length: depth }, () => ({ tweetId: ids.next(), authorId: '4999' })));
    await cache.rebuild(readerId, () => homeTimelines.read(readerId));
  }
}

/** The next id whose tweet trims (shouldTrim), so every tweet measured pays its trim. */
const trimmingId = () => {
  for (;;) {
    const id = ids.next();
    if (shouldTrim(id)) return id;
  }
};

const results: Record<string, { node: number[]; cassandra: number[] }> = { counted: { node: [], cassandra: [] }, cached: { node: [], cassandra: [] } };
console.log(`${rounds} rounds of ${postsPerRound} trimming tweets per way, interleaved, one at a time`);
for (let round = 0; round < rounds; round += 1) {
  for (const [name, { authorId, service }] of Object.entries(ways)) {
    const [node0, cass0] = [ownCpuMs(), processCpuMs(cassandraPid)];
    for (let i = 0; i < postsPerRound; i += 1) await service.fanOut({ tweetId: trimmingId(), authorId, createdAt: new Date().toISOString() });
    const [node1, cass1] = [ownCpuMs(), processCpuMs(cassandraPid)];
    results[name]!.node.push((node1 - node0) / postsPerRound);
    results[name]!.cassandra.push((cass1 - cass0) / postsPerRound);
    console.log(`  round ${round + 1} ${name}: timeline ${((node1 - node0) / postsPerRound).toFixed(2)} ms, cassandra ${((cass1 - cass0) / postsPerRound).toFixed(2)} ms CPU per tweet`);
  }
}
for (const [name, result] of Object.entries(results)) {
  console.log(`${name}: timeline ${median(result.node).toFixed(2)} ms + cassandra ${median(result.cassandra).toFixed(2)} ms CPU per trimming tweet to ${followerCount} followers (median of ${rounds})`);
}
const kept = await homeTimelines.read(String(6_100_000));
console.log(`a cached-way reader's stored timeline after the runs: ${kept.length} entries read (a read stops at MAX_HOME_ITEMS, 800)`);
await stores.close();
