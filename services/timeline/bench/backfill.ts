// CPU per follow, the timeline's half: the follow graph written and the followee's recent tweets
// merged into the follower's home timeline, with the checks after it. Two ways, interleaved:
//   rows:  one INSERT per backfilled tweet and one deletion-marker read per tweet (before #16's cut)
//   batch: the rows of the one partition in unlogged batches, the markers in IN reads (as shipped)
//   node services/timeline/bench/backfill.ts --cassandra-pid PID [--tweets 200] [--follows 100] [--rounds 5]
// CPU is this process's (process.cpuUsage) and Cassandra's (/proc/PID/stat), per follow, median of the rounds.
// Needs CASSANDRA_CONTACT_POINTS and REDIS_URL (the local stack's .stack/env).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { systemClock } from '@chirp/kernel/clock';
import { createLogger } from '@chirp/common/logging';
import { createIdGenerator } from '@chirp/kernel/ids';
import cassandra from 'cassandra-driver';
import { Redis } from 'ioredis';
import { applyCassandraSchema } from '../src/infrastructure/cassandra-schema.ts';
import { createCassandraAuthorTweetStore } from '../src/infrastructure/cassandra-author-tweet-store.ts';
import { createCassandraDeletedTweets } from '../src/infrastructure/cassandra-deleted-tweets.ts';
import { createCassandraFollowGraph } from '../src/infrastructure/cassandra-follow-graph.ts';
import { createCassandraHighFollowerAuthors } from '../src/infrastructure/cassandra-high-follower-authors.ts';
import { createCassandraHomeTimelineStore } from '../src/infrastructure/cassandra-home-timeline-store.ts';
import { createRedisTimelineCache } from '../src/infrastructure/redis-timeline-cache.ts';
import type { DeletedTweets, HomeTimelineStore } from '../src/use-cases/ports.ts';
import { makeTimelineUseCases } from '../src/use-cases/timeline-use-cases.ts';

const { values } = parseArgs({
  options: {
    'cassandra-pid': { type: 'string' },
    tweets: { type: 'string', default: '200' },
    follows: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '5' },
  },
});
const env = process.env;
if (!env.CASSANDRA_CONTACT_POINTS || !env.REDIS_URL) throw new Error('CASSANDRA_CONTACT_POINTS and REDIS_URL must be set; source .stack/env');
if (!values['cassandra-pid']) throw new Error('--cassandra-pid is required (the pid of the Cassandra at CASSANDRA_CONTACT_POINTS)');
const cassandraPid = Number(values['cassandra-pid']);
const [tweetsPerAuthor, followsPerRound, rounds] = [Number(values.tweets), Number(values.follows), Number(values.rounds)];

const run = Date.now().toString(36);
const keyspace = `bench_backfill_${run}`;
const contactPoints = env.CASSANDRA_CONTACT_POINTS.split(',');
const localDataCenter = env.CASSANDRA_LOCAL_DC ?? 'datacenter1';
const admin = new cassandra.Client({ contactPoints, localDataCenter });
await applyCassandraSchema(admin, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
const client = new cassandra.Client({ contactPoints, localDataCenter, keyspace });
const redis = new Redis(env.REDIS_URL, { keyPrefix: `bench:${run}:` });
const log = createLogger('bench', 'warn');
const ids = createIdGenerator({ workerId: 1001 });

/** The shipped adapters, and the same with the per-row writes and per-tweet marker reads they replaced. */
const batched = { homeTimelines: createCassandraHomeTimelineStore(client, { writeBatch: 50 }), deleted: createCassandraDeletedTweets(client) };
const perRow: { homeTimelines: HomeTimelineStore; deleted: DeletedTweets } = {
  homeTimelines: {
    ...batched.homeTimelines,
    async pushMany(readerId, entries) {
      const rows = entries.map((entry) => [readerId, entry.tweetId, entry.authorId]);
      await cassandra.concurrent.executeConcurrent(client, 'INSERT INTO home_timeline (reader_id, tweet_id, author_id) VALUES (?, ?, ?)', rows, { concurrencyLevel: 128 });
    },
  },
  deleted: {
    ...batched.deleted,
    among: async (tweetIds) => new Set((await Promise.all(tweetIds.map(async (id) => ((await batched.deleted.has(id)) ? [id] : [])))).flat()),
  },
};
const serviceWith = (stores: typeof perRow) =>
  makeTimelineUseCases({
    ...stores,
    authorTweets: createCassandraAuthorTweetStore(client),
    graph: createCassandraFollowGraph(client),
    cache: createRedisTimelineCache(redis, { ttlSeconds: 3600, log }),
    highFollowers: createCassandraHighFollowerAuthors(client, { refreshMs: 60_000 }),
    queue: { enqueue: async () => undefined },
    metrics: { entriesWritten: () => undefined, lag: () => undefined },
    tweets: { hydrate: async (page) => page.map((id) => ({ id })) },
    clock: systemClock,
    settings: { highFollowerThreshold: 10_000, chunkSize: 1000 },
  });
const variants = { rows: serviceWith(perRow), batch: serviceWith(batched) };

// Authors with their recent tweets, as posting leaves them.
const authors = Array.from({ length: 20 }, (_, i) => String(3_000 + i));
for (const authorId of authors) {
  const rows = Array.from({ length: tweetsPerAuthor }, () => ({ tweetId: ids.next(), authorId }));
  await cassandra.concurrent.executeConcurrent(client, 'INSERT INTO author_tweets (author_id, tweet_id, fanned_out) VALUES (?, ?, true)', rows.map((row) => [row.authorId, row.tweetId]), { concurrencyLevel: 64 });
}

const CLOCK_TICKS_PER_MS = 100 / 1000;
const cassandraCpuMs = () => {
  const fields = readFileSync(`/proc/${cassandraPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_MS; // utime + stime
};
const nodeCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

let follower = 10_000_000n;
let sequence = 0;
const results: Record<string, { node: number[]; cassandra: number[]; wallMs: number[] }> = { rows: { node: [], cassandra: [], wallMs: [] }, batch: { node: [], cassandra: [], wallMs: [] } };
console.log(`follows with a backfill of ${tweetsPerAuthor} tweets each: ${rounds} rounds of ${followsPerRound} per way, interleaved (8 at once)`);
for (let round = 0; round < rounds; round += 1) {
  for (const [name, service] of Object.entries(variants)) {
    const follows = Array.from({ length: followsPerRound }, (_, i) => ({ followerId: String((follower += 1n)), followeeId: authors[i % authors.length]! }));
    const [node0, cass0, wall0] = [nodeCpuMs(), cassandraCpuMs(), performance.now()];
    for (let i = 0; i < follows.length; i += 8) {
      await Promise.all(follows.slice(i, i + 8).map((pair) => service.recordFollowChange({ ...pair, sequence: String((sequence += 1)), following: true })));
    }
    const [node1, cass1, wall1] = [nodeCpuMs(), cassandraCpuMs(), performance.now()];
    results[name]!.node.push((node1 - node0) / followsPerRound);
    results[name]!.cassandra.push((cass1 - cass0) / followsPerRound);
    results[name]!.wallMs.push((wall1 - wall0) / followsPerRound);
    console.log(`  round ${round + 1} ${name}: timeline ${((node1 - node0) / followsPerRound).toFixed(2)} ms, cassandra ${((cass1 - cass0) / followsPerRound).toFixed(2)} ms CPU per follow`);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
for (const [name, result] of Object.entries(results)) {
  console.log(
    `${name}: timeline ${median(result.node).toFixed(2)} ms + cassandra ${median(result.cassandra).toFixed(2)} ms CPU per follow (median of ${rounds}); ${median(result.wallMs).toFixed(1)} ms wall per follow at 8 in flight`,
  );
}
await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
await Promise.all([client.shutdown(), admin.shutdown(), redis.quit()]);
