// The timeline service's use cases over the real adapters: Cassandra, Redis and the SNS/SQS
// emulator, with events published to the real topics and taken from the timeline's queue.
// The tweet service is a stand-in that knows which ids exist (its own adapter test is separate).
import { systemClock } from '@chirp/kernel/clock';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createEvent, type EventEnvelope } from '@chirp/kernel/events';
import type { SqsConsumer } from '@chirp/common/sqs-consumer';
import { createIdGenerator } from '@chirp/kernel/ids';
import { createLogger } from '@chirp/common/logging';
import { TWEET_EVENTS_TOPIC, TweetCreated, TweetDeleted } from '@chirp/kernel/tweet-events';
import { USER_EVENTS_TOPIC, UserFollowed, UserUnfollowed } from '@chirp/kernel/user-events';
import { drainEvents, eventually } from '@chirp/testing/eventually';
import { cassandraClient, createTestKeyspace, createTestRedis, createTestTopology, type TestKeyspace, type TestTopology } from '@chirp/testing/stack';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSqsFanoutQueue } from '../../src/adapters/messaging/fanout-chunks.ts';
import { timelineEventHandlers } from '../../src/adapters/messaging/timeline-event-handlers.ts';
import { applyCassandraSchema } from '../../src/infrastructure/cassandra-schema.ts';
import { createCassandraAuthorTweetStore } from '../../src/infrastructure/cassandra-author-tweet-store.ts';
import { createCassandraDeletedTweets } from '../../src/infrastructure/cassandra-deleted-tweets.ts';
import { createCassandraFollowGraph } from '../../src/infrastructure/cassandra-follow-graph.ts';
import { createCassandraHighFollowerAuthors } from '../../src/infrastructure/cassandra-high-follower-authors.ts';
import { createCassandraHomeTimelineStore } from '../../src/infrastructure/cassandra-home-timeline-store.ts';
import { createTimelineMetrics } from '../../src/infrastructure/metrics.ts';
import { createRedisTimelineCache } from '../../src/infrastructure/redis-timeline-cache.ts';
import type { HomeTimelineStore } from '../../src/use-cases/ports.ts';
import { makeTimelineUseCases, type TimelineUseCases } from '../../src/use-cases/timeline-use-cases.ts';
import { aTweetDirectory } from '../fakes/fake-ports.ts';

const log = createLogger('timeline-test', 'silent');
const ids = createIdGenerator({ workerId: 7 });
let keyspace: TestKeyspace;
let topology: TestTopology;
const redis = createTestRedis();
const tweets = aTweetDirectory();
const consumers: SqsConsumer[] = [];
let sequence = 0;

/** The use cases over the real adapters; `homeTimelines` may be wrapped to inject a fault. */
function aService(options: { threshold?: number; chunkSize?: number; homeTimelines?: (real: HomeTimelineStore) => HomeTimelineStore } = {}) {
  const real = createCassandraHomeTimelineStore(keyspace.client);
  return makeTimelineUseCases({
    homeTimelines: options.homeTimelines ? options.homeTimelines(real) : real,
    authorTweets: createCassandraAuthorTweetStore(keyspace.client),
    deleted: createCassandraDeletedTweets(keyspace.client),
    graph: createCassandraFollowGraph(keyspace.client),
    cache: createRedisTimelineCache(redis.redis, { ttlSeconds: 600, log }),
    highFollowers: createCassandraHighFollowerAuthors(keyspace.client, { refreshMs: 100 }),
    queue: createSqsFanoutQueue({ sqs: topology.clients.sqs, queueUrl: topology.queueUrls['chirp-timeline']! }),
    metrics: createTimelineMetrics(new Registry(), { sqs: topology.clients.sqs, queueUrl: topology.queueUrls['chirp-timeline']! }).fanout,
    tweets,
    clock: systemClock,
    settings: { highFollowerThreshold: options.threshold ?? 10_000, chunkSize: options.chunkSize ?? 1000 },
  });
}
const consume = (service: TimelineUseCases) => {
  const consumer = topology.consume('chirp-timeline', timelineEventHandlers(service));
  consumers.push(consumer);
  return consumer;
};

beforeAll(async () => {
  [keyspace, topology] = await Promise.all([createTestKeyspace(), createTestTopology()]);
  const admin = cassandraClient();
  await applyCassandraSchema(admin, keyspace.keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  await admin.shutdown();
}, 120_000);
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
  // The emulator may hand a message to a stopped consumer's aborted long poll until its 1 s
  // wait ends (the message is back 3 s later); the next test's messages must not land there.
  await new Promise((resolve) => setTimeout(resolve, 1100));
});
afterAll(async () => {
  await keyspace.drop();
  await redis.cleanup();
  await topology.destroy();
});

const user = () => ids.next();
const follows = (pairs: [string, string][], following = true) =>
  topology.publisher(USER_EVENTS_TOPIC).publish(
    pairs.map(([followerId, followeeId]) =>
      following
        ? createEvent(UserFollowed, { followerId, followeeId, sequence: String((sequence += 1)), followedAt: new Date().toISOString() })
        : createEvent(UserUnfollowed, { followerId, followeeId, sequence: String((sequence += 1)), unfollowedAt: new Date().toISOString() }),
    ),
  );
const created = (authorId: string, tweetId = ids.next()) => {
  tweets.known.add(tweetId);
  return createEvent(TweetCreated, { tweetId, authorId, createdAt: new Date().toISOString(), replyToId: null, mentions: [], hashtags: [] });
};
const deleted = (authorId: string, tweetId: string) => createEvent(TweetDeleted, { tweetId, authorId, deletedAt: new Date().toISOString() });
const publishTweets = (events: EventEnvelope[]) => topology.publisher(TWEET_EVENTS_TOPIC).publish(events);
const tweetIdOf = (event: EventEnvelope) => (event.payload as { tweetId: string }).tweetId;
const home = async (service: TimelineUseCases, readerId: string, limit = 100) => (await service.readHomeTimeline({ readerId, limit })).data.map((t) => t.id);
const stored = (readerId: string) => createCassandraHomeTimelineStore(keyspace.client).read(readerId);
const followed = async (followerId: string, followeeId: string) => createCassandraFollowGraph(keyspace.client).isFollowing(followerId, followeeId);

describe('fan-out through the queue', () => {
  it('when an author with 3 followers tweets, then it reaches the author and each follower, and a second delivery of the event changes nothing', async () => {
    const service = aService();
    consume(service);
    const [author, ...followers] = [user(), user(), user(), user()];
    await follows(followers.map((f) => [f, author]));
    await eventually(async () => (await Promise.all(followers.map((f) => followed(f, author)))).every(Boolean), 'follows applied');
    const tweet = created(author);
    await publishTweets([tweet, tweet]);
    for (const reader of [author, ...followers]) await eventually(async () => (await home(service, reader)).length === 1, `tweet in ${reader}'s timeline`);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the repeat has been handled too
    for (const reader of [author, ...followers]) {
      expect(await home(service, reader)).toEqual([tweetIdOf(tweet)]);
      expect(await stored(reader)).toEqual([tweetIdOf(tweet)]);
    }
  });

  it('when an author has as many followers as the threshold, then later tweets are merged on read: one write, every follower sees them', async () => {
    const service = aService({ threshold: 4, chunkSize: 2 });
    consume(service);
    const author = user();
    const followers = Array.from({ length: 6 }, user);
    await follows(followers.map((f) => [f, author]));
    await eventually(async () => (await Promise.all(followers.map((f) => followed(f, author)))).every(Boolean), 'follows applied');
    const first = created(author);
    await publishTweets([first]);
    await eventually(async () => createCassandraHighFollowerAuthors(keyspace.client, { refreshMs: 0 }).has(author), 'author marked high-follower');
    const second = created(author);
    await publishTweets([second]);
    await eventually(async () => (await stored(author)).length === 2, 'second tweet recorded');
    for (const reader of followers) {
      expect(await stored(reader)).not.toContain(tweetIdOf(second));
      expect(await home(service, reader)).toEqual([tweetIdOf(second), tweetIdOf(first)]);
    }
  });
});

describe('follow, unfollow, delete', () => {
  it('when a reader follows, then the followee’s recent tweets join their timeline; after an unfollow they leave it', async () => {
    const service = aService();
    consume(service);
    const [author, reader] = [user(), user()];
    const posted = [created(author), created(author)];
    await publishTweets(posted);
    await eventually(async () => (await stored(author)).length === 2, 'author tweets recorded');
    expect(await home(service, reader)).toEqual([]); // builds the reader's cache entry, which the follow must not leave stale
    await follows([[reader, author]]);
    await eventually(async () => (await home(service, reader)).length === 2, 'followee tweets merged');
    expect(await home(service, reader)).toEqual(posted.map(tweetIdOf).reverse());
    await follows([[reader, author]], false);
    await eventually(async () => (await home(service, reader)).length === 0, 'followee tweets removed');
    expect(await stored(reader)).toEqual([]);
  });

  it('when a delete arrives before its create, then the tweet never shows; a delete after the create takes it out everywhere', async () => {
    const service = aService();
    consume(service);
    const [author, reader] = [user(), user()];
    await follows([[reader, author]]);
    await eventually(() => followed(reader, author), 'follow applied');
    const early = created(author);
    await publishTweets([deleted(author, tweetIdOf(early))]);
    await eventually(() => createCassandraDeletedTweets(keyspace.client).has(tweetIdOf(early)), 'delete recorded');
    const later = created(author);
    await publishTweets([early, later]);
    await eventually(async () => (await stored(reader)).length === 1, 'later tweet delivered');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await stored(reader)).toEqual([tweetIdOf(later)]);
    await publishTweets([deleted(author, tweetIdOf(later))]);
    for (const timeline of [reader, author]) await eventually(async () => (await stored(timeline)).length === 0, `${timeline} emptied`);
    expect(await home(service, reader)).toEqual([]);
  });
});

describe('the cache', () => {
  it('when Redis is flushed between two reads, then the page is the same, and the reader’s entry is rebuilt whole', async () => {
    const service = aService();
    consume(service);
    const [author, reader] = [user(), user()];
    await follows([[reader, author]]);
    await eventually(() => followed(reader, author), 'follow applied');
    const posted = Array.from({ length: 5 }, () => created(author));
    await publishTweets(posted);
    await eventually(async () => (await stored(reader)).length === 5, 'tweets delivered');
    const first = await service.readHomeTimeline({ readerId: reader, limit: 3 });
    const again = await service.readHomeTimeline({ readerId: reader, limit: 3 });
    await redis.redis.flushdb();
    const afterFlush = await service.readHomeTimeline({ readerId: reader, limit: 3 });
    expect(again).toEqual(first);
    expect(afterFlush).toEqual(first);
    expect(first.data.map((t) => t.id)).toEqual(posted.map(tweetIdOf).reverse().slice(0, 3));
    expect(await redis.redis.zcard(`home:${reader}`)).toBe(6); // five ids and the ready marker
  });
});

describe('a worker stopped mid-fan-out', () => {
  it('when the worker dies half-way through chunks and another takes over, then every follower has the tweet exactly once', async () => {
    const author = user();
    const followers = Array.from({ length: 60 }, user);
    const setup = aService();
    consume(setup);
    await follows(followers.map((f) => [f, author]));
    await eventually(async () => (await createCassandraFollowGraph(keyspace.client).followersPage(author, undefined, 100)).followerIds.length === 60, 'follows applied');
    await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
    // Warm some followers' cache entries, so the cached copies must come out right too.
    for (const reader of followers.slice(0, 5)) await home(setup, reader);

    // The first worker writes half of a chunk, then dies: its message is never acknowledged.
    let died = false;
    const dying = aService({
      chunkSize: 10,
      homeTimelines: (real) => ({
        ...real,
        async push(readerIds, entry) {
          // The author's own timeline (one reader) is written; the first chunk of followers dies half-way.
          if (readerIds.length === 1) return real.push(readerIds, entry);
          if (died) throw new Error('worker is dead');
          await real.push(readerIds.slice(0, readerIds.length / 2), entry);
          died = true;
          throw new Error('worker killed mid-chunk');
        },
      }),
    });
    const first = consume(dying);
    const tweet = created(author);
    await publishTweets([tweet]);
    await eventually(() => died, 'the first worker died');
    await first.stop();
    consume(aService({ chunkSize: 10 }));
    for (const reader of followers) await eventually(async () => (await stored(reader)).includes(tweetIdOf(tweet)), `tweet in ${reader}'s timeline`, 30_000);
    for (const reader of followers) {
      expect(await stored(reader)).toEqual([tweetIdOf(tweet)]);
      expect(await home(setup, reader)).toEqual([tweetIdOf(tweet)]);
    }
    expect(await drainEvents(topology.clients.sqs, topology.deadLetterQueueUrls['chirp-timeline']!)).toEqual([]);
  }, 60_000);
});

describe('bad input', () => {
  it('when a malformed or unknown event arrives, then it goes to the dead-letter queue and the queue keeps flowing', async () => {
    const service = aService();
    consume(service);
    const author = user();
    await topology.clients.sqs.send(new SendMessageCommand({ QueueUrl: topology.queueUrls['chirp-timeline']!, MessageBody: '{"not":"an event"}' }));
    const unknown = { id: 'x-1', type: 'tweet.bookmarked', occurredAt: new Date().toISOString(), version: 1, payload: {} };
    await topology.clients.sqs.send(new SendMessageCommand({ QueueUrl: topology.queueUrls['chirp-timeline']!, MessageBody: JSON.stringify(unknown) }));
    // A type the timeline does not handle, published on its topic, is filtered out by its subscription: never dead-lettered.
    await topology.publisher(TWEET_EVENTS_TOPIC).publish([{ ...unknown, id: 'x-2', type: 'tweet.liked' }]);
    const tweet = created(author);
    await publishTweets([tweet]);
    await eventually(async () => (await stored(author)).length === 1, 'later event handled');
    const dead = await drainEvents(topology.clients.sqs, topology.deadLetterQueueUrls['chirp-timeline']!);
    expect(dead.map((event) => event.type ?? 'malformed').sort()).toEqual(['malformed', 'tweet.bookmarked']);
  });
});
