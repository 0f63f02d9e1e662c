// The tweet service's use cases over the real adapters: Postgres, Redis, the outbox relay and
// the SNS/SQS emulator. Each case names the guarantee it checks.
import { type Clock, systemClock } from '@chirp/kernel/clock';
import { createEvent, type EventEnvelope } from '@chirp/kernel/events';
import { createPostgresPool } from '@chirp/common/dependencies';
import { createIdGenerator } from '@chirp/kernel/ids';
import { createLogger } from '@chirp/common/logging';
import { TWEET_EVENTS_TOPIC } from '@chirp/kernel/tweet-events';
import { USER_EVENTS_TOPIC, UserFollowed, UserRegistered, UserUpdated } from '@chirp/kernel/user-events';
import { drainEvents, eventually } from '@chirp/testing/eventually';
import { aClock } from '@chirp/testing/fakes';
import { aJpeg, aPng, postUploadForm } from '@chirp/testing/images';
import { markOutboxSent, pendingEvents, relayUntilDrained } from '@chirp/testing/outbox';
import { createTestBucket, createTestDatabase, createTestRedis, createTestTopology, type TestBucket, type TestDatabase, type TestTopology } from '@chirp/testing/stack';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TweetJson } from '@chirp/kernel/api-v1';
import { userEventHandlers } from '../../src/adapters/messaging/user-event-handlers.ts';
import { buildApp } from '../../src/app.ts';
import { TWEET_MIGRATIONS } from '../../src/infrastructure/migrations.ts';
import { createImageSizeInspector } from '../../src/infrastructure/image-size-inspector.ts';
import { createPgMediaStore } from '../../src/infrastructure/pg-media-store.ts';
import { createPgTweetStore } from '../../src/infrastructure/pg-tweet-store.ts';
import { createRedisTweetCache } from '../../src/infrastructure/redis-tweet-cache.ts';
import { createS3MediaStorage } from '../../src/infrastructure/s3-media-storage.ts';
import type { TweetCache, TweetStore } from '../../src/use-cases/ports.ts';
import { makeTweetUseCases, type TweetUseCases } from '../../src/use-cases/tweet-use-cases.ts';

const log = createLogger('tweet-test', 'silent');
const clock = systemClock;
let db: TestDatabase;
let topology: TestTopology;
let bucket: TestBucket;
const redis = createTestRedis();
let store: TweetStore;
let cache: TweetCache;
let service: TweetUseCases;
let app: FastifyInstance;
let serial = 0;
/** A fresh author per case, so cases never see each other's tweets. */
const anAuthor = () => {
  serial += 1;
  return { authorId: String(5_000_000 + serial * 1000 + Math.floor(Math.random() * 1000)), authorHandle: `author_${serial}` };
};

/** The tweet service's use cases over these stores, the real media adapters and `useClock` (the system clock unless a test settles time). */
const serviceOver = (tweets: TweetStore, tweetCache: TweetCache, workerId: number, useClock: Clock = clock) =>
  makeTweetUseCases({
    tweets,
    cache: tweetCache,
    ids: createIdGenerator({ workerId }),
    clock: useClock,
    media: createPgMediaStore(db.pool),
    storage: createS3MediaStorage(bucket.s3, { bucket: bucket.name, publicBaseUrl: `${process.env.AWS_ENDPOINT_URL}/${bucket.name}` }),
    images: createImageSizeInspector(),
    uploadExpirySeconds: 900,
    verifyIntervalMs: 1000,
  });

beforeAll(async () => {
  [db, topology, bucket] = await Promise.all([createTestDatabase({ migrations: TWEET_MIGRATIONS }), createTestTopology(), createTestBucket()]);
  store = createPgTweetStore(db.pool);
  cache = createRedisTweetCache(redis.redis, { ttlSeconds: 300, log });
  service = serviceOver(store, cache, 1);
  app = buildApp({ config: { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: 16384 }, readiness: { postgres: () => db.pool.query('SELECT 1') }, useCases: service });
});
afterAll(async () => {
  await app.close();
  await redis.cleanup();
  await db.drop();
  await topology.destroy();
  await bucket.destroy();
});
beforeEach(() => markOutboxSent(db.pool));

const postOver = (author: ReturnType<typeof anAuthor>, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: `/v1/users/${author.authorId}/tweets`, payload: { authorHandle: author.authorHandle, ...body }, headers });
const liveCount = async (sql: string, params: unknown[]) => Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]!.n);

describe('idempotent creation on Postgres', () => {
  it('when five requests race with one Idempotency-Key, then one tweet and one event, and every answer is that tweet', async () => {
    const author = anAuthor();
    const answers = await Promise.all(Array.from({ length: 5 }, () => postOver(author, { text: 'only once' }, { 'idempotency-key': 'race-1' })));
    expect(answers.map((answer) => answer.statusCode)).toEqual([201, 201, 201, 201, 201]);
    const ids = new Set(answers.map((answer) => answer.json<TweetJson>().id));
    expect(ids.size).toBe(1);
    expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    expect(await liveCount('SELECT count(*) AS n FROM tweets WHERE author_id = $1', [author.authorId])).toBe(1);
    expect((await pendingEvents(db.pool)).filter((event) => event.type === 'tweet.created')).toHaveLength(1);
  });

  it('when a keyed request fails (unknown reply target), then the key is not spent and a corrected retry creates the tweet', async () => {
    const author = anAuthor();
    const failed = await postOver(author, { text: 'reply', replyToId: '424242' }, { 'idempotency-key': 'retry-1' });
    expect([failed.statusCode, failed.json<{ code: string }>().code]).toEqual([404, 'REPLY_TARGET_NOT_FOUND']);
    const retried = await postOver(author, { text: 'not a reply after all' }, { 'idempotency-key': 'retry-1' });
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('counts under concurrency', () => {
  it('when 60 likes and unlikes from 20 users race, then likeCount equals the like rows, in Postgres and in the cache', async () => {
    const author = anAuthor();
    const { tweet } = await service.createTweet({ ...author, text: 'like race' });
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const userId = String(9_000 + (i % 20));
        return i % 3 === 2 ? service.setLike({ tweetId: tweet.id, userId, liked: false }) : service.setLike({ tweetId: tweet.id, userId, liked: true });
      }),
    );
    const rows = await liveCount('SELECT count(*) AS n FROM likes WHERE tweet_id = $1', [tweet.id]);
    expect(await liveCount('SELECT like_count AS n FROM tweets WHERE id = $1', [tweet.id])).toBe(rows);
    expect((await cache.getTweetsAndAuthors([tweet.id])).tweets.get(tweet.id)?.likeCount).toBe(rows);
    expect((await service.getTweet({ tweetId: tweet.id })).likeCount).toBe(rows);
  });

  it('when 20 replies are posted while 10 of them are deleted, then replyCount equals the live replies', async () => {
    const author = anAuthor();
    const { tweet: parent } = await service.createTweet({ ...author, text: 'parent' });
    const first = await Promise.all(Array.from({ length: 10 }, (_, i) => service.createTweet({ ...author, text: `reply ${i}`, replyToId: parent.id })));
    await Promise.all([
      ...first.map(({ tweet }) => service.deleteTweet({ tweetId: tweet.id, callerId: author.authorId })),
      ...Array.from({ length: 10 }, (_, i) => service.createTweet({ ...author, text: `more ${i}`, replyToId: parent.id })),
    ]);
    const live = await liveCount('SELECT count(*) AS n FROM tweets WHERE reply_to_id = $1 AND deleted_at IS NULL', [parent.id]);
    expect(live).toBe(10);
    expect((await service.getTweet({ tweetId: parent.id })).replyCount).toBe(10);
    expect((await service.listReplies({ tweetId: parent.id, limit: 100 })).data).toHaveLength(10);
  });
});

describe('deletion against Postgres and Redis', () => {
  it('when a cached tweet is deleted, then it is gone from get, batch get, replies, the user timeline and search, on every replica', async () => {
    const author = anAuthor();
    const word = `gone${serial}x${Date.now()}`;
    const { tweet: parent } = await service.createTweet({ ...author, text: `parent ${word}` });
    const { tweet: reply } = await service.createTweet({ ...author, text: `reply ${word} #${word}`, replyToId: parent.id });
    // Warm the cache through a second replica sharing Redis, then delete through the first.
    const other = serviceOver(createPgTweetStore(db.pool), createRedisTweetCache(redis.redis, { ttlSeconds: 300, log }), 2);
    expect(await other.getTweets({ ids: [parent.id, reply.id] })).toHaveLength(2);
    await service.deleteTweet({ tweetId: reply.id, callerId: author.authorId });
    for (const replica of [service, other]) {
      await expect(replica.getTweet({ tweetId: reply.id })).rejects.toMatchObject({ code: 'TWEET_NOT_FOUND' });
      expect((await replica.getTweets({ ids: [parent.id, reply.id] })).map((t) => t.id)).toEqual([parent.id]);
      expect((await replica.listReplies({ tweetId: parent.id, limit: 10 })).data).toEqual([]);
      expect((await replica.listAuthorTweets({ authorId: author.authorId, limit: 10 })).data.map((t) => t.id)).toEqual([parent.id]);
      expect((await replica.searchTweets({ q: word, limit: 10 })).data.map((t) => t.id)).toEqual([parent.id]);
      expect((await replica.searchTweets({ q: `#${word}`, limit: 10 })).data).toEqual([]);
      expect((await replica.getTweet({ tweetId: parent.id })).replyCount).toBe(0);
    }
  });
});

describe('the cache', () => {
  it('when a batch mixes cached and uncached ids, then Postgres is asked once, for the misses only; a warm batch asks it nothing', async () => {
    const author = anAuthor();
    const ids: string[] = [];
    for (let i = 0; i < 10; i += 1) ids.push((await service.createTweet({ ...author, text: `batch ${i}` })).tweet.id);
    const fresh = createTestRedis();
    const asked: string[][] = [];
    const counting: TweetStore = { ...store, findTweets: (wanted) => (asked.push([...wanted]), store.findTweets(wanted)) };
    const replica = serviceOver(counting, createRedisTweetCache(fresh.redis, { ttlSeconds: 300, log }), 3);
    await replica.getTweets({ ids: ids.slice(0, 5) });
    const batch = await replica.getTweets({ ids });
    expect(batch.map((t) => t.id)).toEqual(ids);
    expect(asked).toEqual([ids.slice(0, 5), ids.slice(5)]);
    await replica.getTweets({ ids });
    expect(asked).toHaveLength(2);
    await fresh.cleanup();
  });

  it('when Redis is unreachable, then every read and write still answers, the same as with it', async () => {
    const author = anAuthor();
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    down.on('error', () => {}); // The refused connection is the point of this case.
    const replica = serviceOver(store, createRedisTweetCache(down, { ttlSeconds: 300, log }), 4);
    const { tweet } = await replica.createTweet({ ...author, text: 'no cache #here' });
    await replica.setLike({ tweetId: tweet.id, userId: '77', liked: true });
    const without = await replica.getTweets({ ids: [tweet.id], viewerId: '77' });
    expect(without).toEqual(await service.getTweets({ ids: [tweet.id], viewerId: '77' }));
    expect(without[0]).toMatchObject({ likeCount: 1, likedByMe: true });
    expect((await replica.searchTweets({ q: '#here', limit: 5 })).data.map((t) => t.id)).toContain(tweet.id);
    down.disconnect();
  });
});

describe('a store outage', () => {
  it('when Postgres cannot be reached, then reads and writes answer 503 DEPENDENCY_UNAVAILABLE with Retry-After, fast, naming no host', async () => {
    const unreachable = createPostgresPool({
      DATABASE_URL: 'postgres://chirp@127.0.0.1:1/chirp_tweet',
      DATABASE_POOL_SIZE: 2,
      DATABASE_CONNECT_TIMEOUT_MS: 500,
      DATABASE_STATEMENT_TIMEOUT_MS: 1000,
    });
    const down = buildApp({
      config: { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: 16384 },
      readiness: { postgres: () => unreachable.query('SELECT 1') },
      useCases: serviceOver(createPgTweetStore(unreachable), cache, 5),
    });
    const started = performance.now();
    const answers = [
      await down.inject({ method: 'GET', url: '/v1/tweets/123' }),
      await down.inject({ method: 'POST', url: '/v1/users/1/tweets', payload: { text: 'hi', authorHandle: 'someone' } }),
      await down.inject({ method: 'GET', url: '/v1/tweets/search?q=anything' }),
    ];
    expect(performance.now() - started).toBeLessThan(5000);
    for (const answer of answers) {
      expect(answer.statusCode).toBe(503);
      expect(answer.headers['retry-after']).toBe('2');
      expect(answer.json<{ code: string }>().code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(answer.body).not.toContain('127.0.0.1');
    }
    await down.close();
    await unreachable.end();
  });
});

describe('events', () => {
  it('when tweets are created and deleted, then the relay delivers tweet.created and tweet.deleted to the timeline and user queues', async () => {
    const author = anAuthor();
    const { tweet: parent } = await service.createTweet({ ...author, text: 'hello @Someone_1 #Events' });
    const { tweet: reply } = await service.createTweet({ ...author, text: 'a reply', replyToId: parent.id });
    await service.deleteTweet({ tweetId: reply.id, callerId: author.authorId });
    await relayUntilDrained({ pool: db.pool, sns: topology.clients.sns, topic: TWEET_EVENTS_TOPIC, topicArn: topology.topicArns[TWEET_EVENTS_TOPIC]! });
    for (const queue of ['chirp-timeline', 'chirp-user']) {
      const events = (await drainEvents(topology.clients.sqs, topology.queueUrls[queue]!)).filter(
        (event) => (event.payload as { authorId?: string }).authorId === author.authorId,
      );
      expect(events.map((event) => [event.type, event.payload])).toEqual([
        ['tweet.created', { tweetId: parent.id, authorId: author.authorId, createdAt: parent.createdAt.toISOString(), replyToId: null, replyToAuthorId: null, mentions: ['Someone_1'], hashtags: ['events'] }],
        ['tweet.created', { tweetId: reply.id, authorId: author.authorId, createdAt: reply.createdAt.toISOString(), replyToId: parent.id, replyToAuthorId: author.authorId, mentions: [], hashtags: [] }],
        ['tweet.deleted', { tweetId: reply.id, authorId: author.authorId, deletedAt: expect.any(String) as string }],
      ]);
    }
  });

  it('when user events arrive twice and out of order, then tweets show the newest profile; follow events are dropped, not dead-lettered', async () => {
    const author = anAuthor();
    const { tweet } = await service.createTweet({ ...author, text: 'who am I' });
    expect(tweet.author.displayName).toBe(author.authorHandle);
    const profile = { userId: author.authorId, handle: author.authorHandle, bio: '' };
    const at = new Date().toISOString();
    const registered = createEvent(UserRegistered, { ...profile, displayName: 'First Name', profileVersion: 1, createdAt: at });
    const renamed = createEvent(UserUpdated, { ...profile, displayName: 'Second Name', profileVersion: 2, updatedAt: at });
    const followed = createEvent(UserFollowed, { followerId: author.authorId, followeeId: '123', sequence: '1', followedAt: at });
    await topology.publisher(USER_EVENTS_TOPIC).publish([renamed, followed, registered, renamed]);
    const consumer = topology.consume('chirp-tweet', userEventHandlers(service.learnAuthor));
    try {
      await eventually(async () => (await service.getTweet({ tweetId: tweet.id })).author.displayName === 'Second Name', 'renamed author');
      // Give the older event, delivered after, time to be (not) applied.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await service.getTweet({ tweetId: tweet.id })).author).toEqual({ id: author.authorId, handle: author.authorHandle, displayName: 'Second Name' });
    } finally {
      await consumer.stop();
    }
    const deadLettered: EventEnvelope[] = await drainEvents(topology.clients.sqs, topology.deadLetterQueueUrls['chirp-tweet']!);
    expect(deadLettered).toEqual([]);
  });
});

describe('media on tweets, on the real stores', () => {
  it('when uploaded images are attached, then Postgres and the cache both give them back in order; deleting the tweet deletes the objects', async () => {
    const author = anAuthor();
    const files = [aJpeg(30, 20), aPng(4, 5)];
    const ids: string[] = [];
    for (const [index, bytes] of files.entries()) {
      const asked = await app.inject({
        method: 'POST',
        url: `/v1/users/${author.authorId}/media`,
        payload: { contentType: index === 0 ? 'image/jpeg' : 'image/png', size: bytes.byteLength },
      });
      const { media, upload } = asked.json<{ media: { id: string }; upload: { url: string; fields: Record<string, string> } }>();
      expect(await postUploadForm(upload, bytes)).toBe(204);
      ids.push(media.id);
    }
    const posted = await postOver(author, { text: '', mediaIds: ids });
    expect(posted.statusCode).toBe(201);
    const tweet = posted.json<TweetJson>();
    expect(tweet.media.map((media) => [media.id, media.width, media.height])).toEqual([
      [ids[0], 30, 20],
      [ids[1], 4, 5],
    ]);
    // Cold from Postgres (a fresh cache), then from the cache that read filled.
    const freshRedis = createTestRedis();
    const fresh = serviceOver(store, createRedisTweetCache(freshRedis.redis, { ttlSeconds: 60, log }), 2);
    expect((await fresh.getTweets({ ids: [tweet.id] }))[0]?.media).toEqual(
      tweet.media.map(({ type: _type, status: _status, ...media }) => media),
    );
    expect((await fresh.getTweets({ ids: [tweet.id] }))[0]?.media.map((media) => media.id)).toEqual(ids);
    await freshRedis.cleanup();
    for (const [index, media] of tweet.media.entries()) {
      const served = await fetch(media.url!);
      expect(Buffer.from(await served.arrayBuffer())).toEqual(files[index]);
    }
    expect((await app.inject({ method: 'DELETE', url: `/v1/users/${author.authorId}/tweets/${tweet.id}` })).statusCode).toBe(204);
    for (const media of tweet.media) {
      const gone = await fetch(media.url!);
      await gone.arrayBuffer();
      expect(gone.status).toBe(404);
    }
  });
});

describe('the media sweep, on the real stores', () => {
  it('when an upload has stayed unattached for 24 hours by the clock, then its object and row go; an attached one stays', async () => {
    const clock = aClock(new Date());
    const service = serviceOver(store, cache, 3, clock);
    const author = anAuthor();
    const uploaded = [];
    for (const seed of [1, 2]) {
      const png = aPng(3, 3, seed);
      const { media, upload } = await service.requestMediaUpload({ ownerId: author.authorId, contentType: 'image/png', size: png.byteLength });
      expect(await postUploadForm(upload, png)).toBe(204);
      uploaded.push((await service.getMedia({ mediaId: media.id, callerId: author.authorId })));
    }
    const [unattached, attached] = uploaded as [(typeof uploaded)[0], (typeof uploaded)[0]];
    await service.createTweet({ ...author, text: 'keeps its picture', mediaIds: [attached.id] });
    clock.advance(24 * 3600 - 60);
    await service.sweepMedia();
    const statusOf = async (url: string) => {
      const answer = await fetch(url);
      await answer.arrayBuffer();
      return answer.status;
    };
    expect(await statusOf(unattached.url!)).toBe(200);
    clock.advance(61);
    expect(await service.sweepMedia()).toBeGreaterThanOrEqual(1);
    const statuses = await Promise.all([unattached, attached].map((media) => statusOf(media.url!)));
    expect(statuses).toEqual([404, 200]);
    expect((await createPgMediaStore(db.pool).findMedia([unattached.id, attached.id])).map((media) => media.id)).toEqual([attached.id]);
  });
});
