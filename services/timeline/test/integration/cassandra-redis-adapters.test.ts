import { createLogger } from '@chirp/common/logging';
import { cassandraClient, createTestKeyspace, createTestRedis, type TestKeyspace } from '@chirp/testing/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyCassandraSchema } from '../../src/infrastructure/cassandra-schema.ts';
import { createCassandraAuthorTweetStore } from '../../src/infrastructure/cassandra-author-tweet-store.ts';
import { createCassandraDeletedTweets } from '../../src/infrastructure/cassandra-deleted-tweets.ts';
import { createCassandraFollowGraph } from '../../src/infrastructure/cassandra-follow-graph.ts';
import { createCassandraHighFollowerAuthors } from '../../src/infrastructure/cassandra-high-follower-authors.ts';
import { createCassandraHomeTimelineStore } from '../../src/infrastructure/cassandra-home-timeline-store.ts';
import { createRedisTimelineCache } from '../../src/infrastructure/redis-timeline-cache.ts';
import { timelineCacheContract } from '../contract/timeline-cache.contract.ts';
import { authorTweetStoreContract } from '../contract/author-tweet-store.contract.ts';
import { deletedTweetsContract } from '../contract/deleted-tweets.contract.ts';
import { followGraphContract } from '../contract/follow-graph.contract.ts';
import { highFollowerAuthorsContract } from '../contract/high-follower-authors.contract.ts';
import { homeTimelineStoreContract } from '../contract/home-timeline-store.contract.ts';

const log = createLogger('test', 'silent');
let keyspace: TestKeyspace;
const redises: ReturnType<typeof createTestRedis>[] = [];
const freshRedis = () => {
  const fresh = createTestRedis();
  redises.push(fresh);
  return fresh;
};
beforeAll(async () => {
  keyspace = await createTestKeyspace();
  const admin = cassandraClient();
  await applyCassandraSchema(admin, keyspace.keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  await admin.shutdown();
}, 120_000);
afterAll(async () => {
  await keyspace.drop();
  await Promise.all(redises.map((r) => r.cleanup()));
});

homeTimelineStoreContract('Cassandra', async () => createCassandraHomeTimelineStore(keyspace.client));
homeTimelineStoreContract('Cassandra, rows in unlogged batches', async () => createCassandraHomeTimelineStore(keyspace.client, { writeBatch: 50 }));
authorTweetStoreContract('Cassandra', async () => createCassandraAuthorTweetStore(keyspace.client));
deletedTweetsContract('Cassandra', async () => createCassandraDeletedTweets(keyspace.client));
followGraphContract('Cassandra', async () => createCassandraFollowGraph(keyspace.client));
// refreshMs 0: the suite checks what the store holds; the refresh interval has its own case below.
highFollowerAuthorsContract('Cassandra', async () => createCassandraHighFollowerAuthors(keyspace.client, { refreshMs: 0 }));
timelineCacheContract('Redis', async () => createRedisTimelineCache(freshRedis().redis, { ttlSeconds: 60, log }));

it('when the schema is applied again, then nothing fails and the tables and rows stay as they were', async () => {
  const tables = async () =>
    (await keyspace.client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace.keyspace])).rows.map((row) => String(row.table_name)).sort();
  const homeTimelines = createCassandraHomeTimelineStore(keyspace.client);
  await homeTimelines.push(['90002'], { tweetId: '90001', authorId: '7' });
  const before = await tables();
  const admin = cassandraClient();
  await applyCassandraSchema(admin, keyspace.keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  await admin.shutdown();
  expect(before.length).toBeGreaterThan(3);
  expect(await tables()).toEqual(before);
  expect(await homeTimelines.read('90002')).toEqual(['90001']);
});

it('when two rebuilds of one reader race, then one builds and the other is told to read Cassandra', async () => {
  const cache = createRedisTimelineCache(freshRedis().redis, { ttlSeconds: 60, log });
  let release!: () => void;
  let loading!: () => void;
  const loaderCalled = new Promise<void>((resolve) => (loading = resolve));
  const slow = new Promise<string[]>((resolve) => (release = () => resolve(['5', '4'])));
  const first = cache.rebuild('9', () => {
    loading(); // the first holds the rebuild by now
    return slow;
  });
  await loaderCalled;
  expect(await cache.rebuild('9', async () => ['1'])).toBe(false);
  // A tweet fanned out while the first build loads lands in the entry it is building.
  await cache.add(['9'], '6');
  release();
  expect(await first).toBe(true);
  expect(await cache.read('9', undefined, 10)).toEqual(['6', '5', '4']);
});

it('when a high-follower author is added by one process, then another sees it after its refresh interval', async () => {
  const writer = createCassandraHighFollowerAuthors(keyspace.client, { refreshMs: 60_000 });
  const reader = createCassandraHighFollowerAuthors(keyspace.client, { refreshMs: 200 });
  expect(await reader.has('777')).toBe(false);
  await writer.add('777');
  expect(await writer.has('777')).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await reader.among(['1', '777'])).toEqual(['777']);
});
