import { createLogger } from '@chirp/common/logging';
import { pendingEvents } from '@chirp/testing/outbox';
import { createTestDatabase, createTestRedis, type TestDatabase } from '@chirp/testing/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TWEET_MIGRATIONS } from '../../src/infrastructure/migrations.ts';
import { createPgTweetStore } from '../../src/infrastructure/pg-tweet-store.ts';
import { createRedisTweetCache } from '../../src/infrastructure/redis-tweet-cache.ts';
import { tweetCacheContract } from '../contract/tweet-cache.contract.ts';
import { aPost, aTweet, tweetStoreContract } from '../contract/tweet-store.contract.ts';

let db: TestDatabase;
const redis = createTestRedis();
// A fresh key prefix per test, so fixed ids in the suite never meet an earlier test's entries.
const perTest: ReturnType<typeof createTestRedis>[] = [];
beforeAll(async () => {
  db = await createTestDatabase({ migrations: TWEET_MIGRATIONS });
});
afterAll(async () => {
  await db.drop();
  await Promise.all([redis, ...perTest].map((r) => r.cleanup()));
});

tweetStoreContract(
  'Postgres',
  async () => createPgTweetStore(db.pool),
  async () => (await pendingEvents(db.pool)).map((event) => event.id),
);
tweetCacheContract('Redis', async () => {
  const fresh = createTestRedis();
  perTest.push(fresh);
  return createRedisTweetCache(fresh.redis, { ttlSeconds: 60, log: createLogger('test', 'silent') });
});

it('when an entry is cached, then it carries the TTL', async () => {
  const cache = createRedisTweetCache(redis.redis, { ttlSeconds: 60, log: createLogger('test', 'silent') });
  await cache.putAuthors([{ id: '77', handle: 'ttl', displayName: 'ttl', profileVersion: 1 }]);
  const ttl = await redis.redis.pttl('author:77');
  expect(ttl).toBeGreaterThan(50_000);
  expect(ttl).toBeLessThanOrEqual(60_000);
});

it('when an entry cannot be read (corrupt, or another version wrote it), then it is a miss, not an error', async () => {
  const cache = createRedisTweetCache(redis.redis, { ttlSeconds: 60, log: createLogger('test', 'silent') });
  await redis.redis.set('tweet:88', '3|{not json');
  await redis.redis.set('author:88', 'no version at all');
  expect(await cache.getTweetsAndAuthors(['88'])).toEqual({ tweets: new Map(), authors: new Map() });
  expect(await cache.getAuthors(['88'])).toEqual(new Map());
});

it('when a lost claim’s key is pruned before its first tweet is read, then the post is written on a second try, not failed', async () => {
  const authorId = '9100000000000000001';
  const claim = { key: 'k-pruned', at: new Date(), notBefore: new Date(Date.now() - 3600_000) };
  const first = aPost(aTweet({ authorId }));
  expect(await createPgTweetStore(db.pool).insertTweet({ ...first, claim })).toEqual({});
  // The pruner's DELETE lands between the lost claim and the read of the first tweet's id.
  let pruned = 0;
  const racingPool = new Proxy(db.pool, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
      return async (text: string, values?: unknown[]) => {
        if (pruned === 0 && typeof text === 'string' && text.startsWith('SELECT tweet_id FROM idempotency_keys')) {
          pruned += 1;
          await target.query('DELETE FROM idempotency_keys WHERE author_id = $1', [authorId]);
        }
        return target.query(text, values);
      };
    },
  });
  const second = aPost(aTweet({ authorId }));
  expect(await createPgTweetStore(racingPool).insertTweet({ ...second, claim })).toEqual({});
  expect(pruned).toBe(1);
  expect((await db.pool.query('SELECT tweet_id FROM idempotency_keys WHERE author_id = $1', [authorId])).rows).toEqual([{ tweet_id: second.tweet.id }]);
});
