// Fan-out and home-timeline reads, measured on the local stack.
//   node services/timeline/bench/fanout.ts [--small N] [--large N] [--reads R] [--workers W] [--batch B] [--authors A --per-author F]
// Seeds followers straight into a fresh keyspace, then:
//  1. one tweet by an author with N followers (10,000 and 100,000 by default) goes through the
//     real path: tweet.created handled, chunks of 1,000 sent to an SQS queue on the emulator,
//     W consumers sharing them, Cassandra and Redis written; reports the time until every
//     follower's timeline has it; then A tweets at once by authors of F followers each, for
//     the sustained entries written per second;
//  2. home-timeline reads for a reader following 5 high-follower authors (merged on read),
//     warm (Redis entry present) and cold (entry dropped before each read, so it is rebuilt
//     from Cassandra): p50 and p99. Hydration is a stand-in that returns the ids, so the
//     figures are the timeline's own work, without the tweet service's batch call.
// Needs CASSANDRA_CONTACT_POINTS, REDIS_URL and AWS_ENDPOINT_URL (the local stack's .stack/env).
import { systemClock } from '@chirp/kernel/clock';
import { parseArgs } from 'node:util';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { createAwsMessagingClients } from '@chirp/common/aws-clients';
import { createSqsConsumer, type SqsConsumer } from '@chirp/common/sqs-consumer';
import { createIdGenerator } from '@chirp/kernel/ids';
import { createLogger } from '@chirp/common/logging';
import { applyTopology } from '@chirp/common/messaging-topology';
import cassandra from 'cassandra-driver';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createSqsFanoutQueue } from '../src/adapters/messaging/fanout-chunks.ts';
import { timelineEventHandlers } from '../src/adapters/messaging/timeline-event-handlers.ts';
import { applyCassandraSchema } from '../src/infrastructure/cassandra-schema.ts';
import { createCassandraAuthorTweetStore } from '../src/infrastructure/cassandra-author-tweet-store.ts';
import { createCassandraDeletedTweets } from '../src/infrastructure/cassandra-deleted-tweets.ts';
import { createCassandraFollowGraph } from '../src/infrastructure/cassandra-follow-graph.ts';
import { createCassandraHighFollowerAuthors } from '../src/infrastructure/cassandra-high-follower-authors.ts';
import { createCassandraHomeTimelineStore } from '../src/infrastructure/cassandra-home-timeline-store.ts';
import { createTimelineMetrics } from '../src/infrastructure/metrics.ts';
import { createRedisTimelineCache } from '../src/infrastructure/redis-timeline-cache.ts';
import { makeTimelineUseCases } from '../src/use-cases/timeline-use-cases.ts';

const { values } = parseArgs({
  options: {
    small: { type: 'string', default: '10000' },
    large: { type: 'string', default: '100000' },
    reads: { type: 'string', default: '300' },
    workers: { type: 'string', default: '4' },
    batch: { type: 'string', default: '50' },
    authors: { type: 'string', default: '20' },
    'per-author': { type: 'string', default: '5000' },
  },
});
const sizes = [Number(values.small), Number(values.large)];
const reads = Number(values.reads);
const workers = Number(values.workers);
const env = process.env;
if (!env.CASSANDRA_CONTACT_POINTS || !env.REDIS_URL || !env.AWS_ENDPOINT_URL) {
  throw new Error('CASSANDRA_CONTACT_POINTS, REDIS_URL and AWS_ENDPOINT_URL must be set; source .stack/env after `scripts/stack.sh up`');
}

const log = createLogger('bench', 'warn');
const run = Date.now().toString(36);
const keyspace = `bench_timeline_${run}`;
const contactPoints = env.CASSANDRA_CONTACT_POINTS.split(',');
const localDataCenter = env.CASSANDRA_LOCAL_DC ?? 'datacenter1';
const admin = new cassandra.Client({ contactPoints, localDataCenter });
await applyCassandraSchema(admin, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
const client = new cassandra.Client({ contactPoints, localDataCenter, keyspace, pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: 2 } } });
const prefix = `bench:${run}:`;
const redis = new Redis(env.REDIS_URL, { keyPrefix: prefix });
const clients = createAwsMessagingClients({ region: env.AWS_REGION ?? 'us-east-1', endpoint: env.AWS_ENDPOINT_URL });
const topology = await applyTopology(clients, { topics: [], queues: [{ name: 'timeline', subscribesTo: [], maxReceiveCount: 5, visibilityTimeoutSeconds: 60 }] }, `bench-${run}-`);
const queueUrl = topology.queueUrls.timeline!;

const homeTimelines = createCassandraHomeTimelineStore(client, { writeBatch: Number(values.batch) });
const authorTweets = createCassandraAuthorTweetStore(client);
const graph = createCassandraFollowGraph(client);
const registry = new Registry();
let written = 0;
const metrics = createTimelineMetrics(registry, { sqs: clients.sqs, queueUrl });
const ids = createIdGenerator({ workerId: 1000 });
const makeService = (threshold: number) =>
  makeTimelineUseCases({
    homeTimelines,
    authorTweets,
    deleted: createCassandraDeletedTweets(client),
    graph,
    cache: createRedisTimelineCache(redis, { ttlSeconds: 3600, log }),
    highFollowers: createCassandraHighFollowerAuthors(client, { refreshMs: 1000 }),
    queue: createSqsFanoutQueue({ sqs: clients.sqs, queueUrl }),
    metrics: { entriesWritten: (n) => ((written += n), metrics.fanout.entriesWritten(n)), lag: (seconds) => metrics.fanout.lag(seconds) },
    tweets: { hydrate: async (page) => page.map((id) => ({ id })) },
    clock: systemClock,
    settings: { highFollowerThreshold: threshold, chunkSize: 1000 },
  });
const quantile = (samples: number[], q: number) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;

/** Followers written straight into both follow tables, as the user events would leave them. */
async function seedFollowers(authorId: string, count: number, firstFollower: bigint): Promise<void> {
  const started = performance.now();
  const rows = Array.from({ length: count }, (_, i) => String(firstFollower + BigInt(i)));
  await cassandra.concurrent.executeConcurrent(client, 'INSERT INTO followers (followee_id, follower_id) VALUES (?, ?) USING TIMESTAMP 1', rows.map((f) => [authorId, f]), { concurrencyLevel: 256 });
  await cassandra.concurrent.executeConcurrent(client, 'INSERT INTO following (follower_id, followee_id) VALUES (?, ?) USING TIMESTAMP 1', rows.map((f) => [f, authorId]), { concurrencyLevel: 256 });
  console.log(`  seeded ${count.toLocaleString('en')} followers of ${authorId} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

console.log(`fan-out of one tweet (chunks of 1,000 through SQS, ${workers} consumers, rows in unlogged batches of ${values.batch}, Cassandra + Redis on this machine)`);
const fanout = makeService(Number.MAX_SAFE_INTEGER);
const consumers: SqsConsumer[] = Array.from({ length: workers }, () =>
  createSqsConsumer({ sqs: clients.sqs, queueUrl, deadLetterQueueUrl: topology.deadLetterQueueUrls.timeline!, handlers: timelineEventHandlers(fanout), log, concurrency: 4, waitTimeSeconds: 1 }),
);
for (const consumer of consumers) consumer.start();
for (const [index, followers] of sizes.entries()) {
  const author = String(1_000 + index);
  await seedFollowers(author, followers, BigInt(10_000_000 * (index + 1)));
  written = 0;
  const started = performance.now();
  await fanout.fanOut({ tweetId: ids.next(), authorId: author, createdAt: new Date().toISOString() });
  while (written < followers + 1) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = (performance.now() - started) / 1000;
  console.log(`  ${followers.toLocaleString('en')} followers: every timeline written in ${seconds.toFixed(2)} s (${Math.round(written / seconds).toLocaleString('en')} entries/s)`);
}

// Sustained: many tweets at once, by authors of a few thousand followers each.
const authors = Number(values.authors);
const perAuthor = Number(values['per-author']);
for (let a = 0; a < authors; a += 1) await seedFollowers(String(2_000 + a), perAuthor, BigInt(100_000_000 + a * 1_000_000));
written = 0;
const sustainedStart = performance.now();
await Promise.all(Array.from({ length: authors }, (_, a) => fanout.fanOut({ tweetId: ids.next(), authorId: String(2_000 + a), createdAt: new Date().toISOString() })));
const expected = authors * (perAuthor + 1);
while (written < expected) await new Promise((resolve) => setTimeout(resolve, 20));
const sustainedSeconds = (performance.now() - sustainedStart) / 1000;
console.log(
  `  sustained: ${authors} tweets by authors with ${perAuthor.toLocaleString('en')} followers each at once: ${expected.toLocaleString('en')} entries in ${sustainedSeconds.toFixed(2)} s = ${Math.round(expected / sustainedSeconds).toLocaleString('en')} entries/s`,
);
await Promise.all(consumers.map((consumer) => consumer.stop()));

// A reader following 5 high-follower authors (50 recent tweets each) and 100 fanned-out entries.
const reader = '5000';
const readService = makeService(10_000);
const highFollowers = createCassandraHighFollowerAuthors(client, { refreshMs: 60_000 });
for (let a = 0; a < 5; a += 1) {
  const author = String(6_000 + a);
  await highFollowers.add(author);
  await graph.saveFollow({ followerId: reader, followeeId: author, sequence: '1', following: true });
  for (let t = 0; t < 50; t += 1) await authorTweets.record({ tweetId: ids.next(), authorId: author }, false);
}
await homeTimelines.pushMany(reader, Array.from({ length: 100 }, () => ({ tweetId: ids.next(), authorId: '7000' })));
const timings = { warm: [] as number[], cold: [] as number[] };
for (let round = -20; round < reads; round += 1) {
  await redis.del(`home:${reader}`);
  let started = performance.now();
  await readService.readHomeTimeline({ readerId: reader, limit: 20 });
  const cold = performance.now() - started;
  started = performance.now();
  const page = await readService.readHomeTimeline({ readerId: reader, limit: 20 });
  const warm = performance.now() - started;
  if (page.data.length !== 20) throw new Error(`a page had ${page.data.length} tweets, not 20`);
  if (round >= 0) {
    timings.cold.push(cold);
    timings.warm.push(warm);
  }
}
console.log(`\nhome timeline, 20 per page, reader following 5 high-follower authors, ${reads} rounds (use case in process, hydration stubbed)`);
for (const [name, samples] of Object.entries(timings)) {
  console.log(`  ${name.padEnd(4)} p50 ${quantile(samples, 0.5).toFixed(2)} ms   p99 ${quantile(samples, 0.99).toFixed(2)} ms`);
}

const keys = await redis.keys(`${prefix}*`);
if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(prefix.length)));
redis.disconnect();
await client.shutdown();
await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
await admin.shutdown();
for (const url of [queueUrl, topology.deadLetterQueueUrls.timeline!]) await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
clients.sqs.destroy();
clients.sns.destroy();
