import { createLogger } from '@chirp/common/logging';
import { cassandraClient, createTestKeyspace, createTestRedis, type TestKeyspace } from '@chirp/testing/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyCassandraSchema } from '../../src/infrastructure/cassandra-schema.ts';
import { createCassandraTimelineStore, createHighFollowerAuthors } from '../../src/infrastructure/cassandra-timeline-store.ts';
import { createRedisTimelineCache } from '../../src/infrastructure/redis-timeline-cache.ts';
import { timelineCacheContract } from '../contract/timeline-cache.contract.ts';
import { timelineStoreContract } from '../contract/timeline-store.contract.ts';

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

timelineStoreContract('Cassandra', async () => createCassandraTimelineStore(keyspace.client));
timelineCacheContract('Redis', async () => createRedisTimelineCache(freshRedis().redis, { ttlSeconds: 60, log }));

it('when the schema is applied again, then nothing fails and the tables and rows stay as they were', async () => {
  const tables = async () =>
    (await keyspace.client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace.keyspace])).rows.map((row) => String(row.table_name)).sort();
  const store = createCassandraTimelineStore(keyspace.client);
  await store.addToTimelines(['90002'], { tweetId: '90001', authorId: '7' });
  const before = await tables();
  const admin = cassandraClient();
  await applyCassandraSchema(admin, keyspace.keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  await admin.shutdown();
  expect(before.length).toBeGreaterThan(3);
  expect(await tables()).toEqual(before);
  expect(await store.readTimeline('90002')).toEqual(['90001']);
});

it('when two rebuilds of one reader race, then one builds and the other is told to read Cassandra', async () => {
  const cache = createRedisTimelineCache(freshRedis().redis, { ttlSeconds: 60, log });
  let release!: () => void;
  const slow = new Promise<string[]>((resolve) => (release = () => resolve(['5', '4'])));
  const first = cache.rebuild('9', () => slow);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await cache.rebuild('9', async () => ['1'])).toBe(false);
  // A tweet fanned out while the first build loads lands in the entry it is building.
  await cache.add(['9'], '6');
  release();
  expect(await first).toBe(true);
  expect(await cache.read('9', undefined, 10)).toEqual(['6', '5', '4']);
});

it('when a high-follower author is added by one process, then another sees it after its refresh interval', async () => {
  const writer = createHighFollowerAuthors(keyspace.client, { refreshMs: 60_000 });
  const reader = createHighFollowerAuthors(keyspace.client, { refreshMs: 200 });
  expect(await reader.has('777')).toBe(false);
  await writer.add('777');
  expect(await writer.has('777')).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await reader.among(['1', '777'])).toEqual(['777']);
});
