// What the timeline's focused benchmarks share: a keyspace and a Redis key prefix of their own on
// the stack named by the environment, and (from @chirp/testing) CPU counters for this process and a server's pid.
import { createLogger } from '@chirp/common/logging';
import cassandra from 'cassandra-driver';
import { Redis } from 'ioredis';
import { systemClock } from '@chirp/kernel/clock';
import { createCassandraAuthorTweetStore } from '../src/infrastructure/cassandra-author-tweet-store.ts';
import { createCassandraDeletedTweets } from '../src/infrastructure/cassandra-deleted-tweets.ts';
import { createCassandraFollowGraph } from '../src/infrastructure/cassandra-follow-graph.ts';
import { createCassandraHighFollowerAuthors } from '../src/infrastructure/cassandra-high-follower-authors.ts';
import { createCassandraHomeTimelineStore } from '../src/infrastructure/cassandra-home-timeline-store.ts';
import { applyCassandraSchema } from '../src/infrastructure/cassandra-schema.ts';
import { createRedisTimelineCache } from '../src/infrastructure/redis-timeline-cache.ts';
import { makeTimelineUseCases, type TimelinePorts } from '../src/use-cases/timeline-use-cases.ts';

/** A fresh keyspace (the timeline's schema) and Redis prefix; `close` drops the keyspace and disconnects. */
export async function openBenchStores(name: string) {
  const env = process.env;
  if (!env.CASSANDRA_CONTACT_POINTS || !env.REDIS_URL) throw new Error('CASSANDRA_CONTACT_POINTS and REDIS_URL must be set; source .stack/env');
  const run = Date.now().toString(36);
  const keyspace = `bench_${name}_${run}`;
  const contactPoints = env.CASSANDRA_CONTACT_POINTS.split(',');
  const localDataCenter = env.CASSANDRA_LOCAL_DC ?? 'datacenter1';
  const admin = new cassandra.Client({ contactPoints, localDataCenter });
  await applyCassandraSchema(admin, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  const client = new cassandra.Client({ contactPoints, localDataCenter, keyspace });
  const redis = new Redis(env.REDIS_URL, { keyPrefix: `bench:${run}:` });
  return {
    client,
    redis,
    log: createLogger('bench', 'warn'),
    async close() {
      await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await Promise.all([client.shutdown(), admin.shutdown(), redis.quit()]);
    },
  };
}

/**
 * The timeline's use cases on the shipped Cassandra and Redis adapters, as the consumer runs them,
 * with `overrides` for the ports a benchmark compares; no queue, metrics or tweet service behind them.
 */
export function benchTimelineService(stores: Awaited<ReturnType<typeof openBenchStores>>, overrides: Partial<TimelinePorts> = {}) {
  const { client, redis, log } = stores;
  return makeTimelineUseCases({
    homeTimelines: createCassandraHomeTimelineStore(client, { writeBatch: 50 }),
    deleted: createCassandraDeletedTweets(client),
    authorTweets: createCassandraAuthorTweetStore(client),
    graph: createCassandraFollowGraph(client),
    cache: createRedisTimelineCache(redis, { ttlSeconds: 3600, log }),
    highFollowers: createCassandraHighFollowerAuthors(client, { refreshMs: 60_000 }),
    queue: { enqueue: async () => undefined },
    metrics: { entriesWritten: () => undefined, lag: () => undefined },
    tweets: { hydrate: async (page) => page.map((id) => ({ id })) },
    clock: systemClock,
    settings: { highFollowerThreshold: 10_000, chunkSize: 1000 },
    ...overrides,
  });
}

export { median, ownCpuMs, processCpuMs, roundOrder } from '@chirp/testing/cpu-counters';
