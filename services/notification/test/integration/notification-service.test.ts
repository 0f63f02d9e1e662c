// The notification service over its real adapters: Postgres, the SNS/SQS emulator with Chirp's
// topology (filter policies included) and Redis pub/sub for pushes. The tweet and user services
// are stand-ins (their own tests cover them).
import { systemClock } from '@chirp/kernel/clock';
import { randomUUID } from 'node:crypto';
import { createEvent } from '@chirp/kernel/events';
import type { SqsConsumer } from '@chirp/common/sqs-consumer';
import { createIdGenerator } from '@chirp/kernel/ids';
import { createStreamPublisher, parseStreamMessage, streamChannels } from '@chirp/common/stream-channels';
import { TweetCreated, TweetDeleted, TweetLiked, TweetUnliked, TWEET_EVENTS_TOPIC } from '@chirp/kernel/tweet-events';
import { UserFollowed, UserRegistered, UserUnfollowed, UserUpdated, USER_EVENTS_TOPIC } from '@chirp/kernel/user-events';
import { drainEvents, eventually } from '@chirp/testing/eventually';
import { createTestDatabase, createTestTopology, stackEnv, type TestDatabase, type TestTopology } from '@chirp/testing/stack';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { notificationEventHandlers } from '../../src/adapters/messaging/event-handlers.ts';
import { buildApp } from '../../src/app.ts';
import { NOTIFICATION_MIGRATIONS } from '../../src/infrastructure/migrations.ts';
import { createPgNotificationStore, createPgUserDirectory } from '../../src/infrastructure/pg-notification-store.ts';
import { createRedisNotificationPush } from '../../src/infrastructure/redis-notification-push.ts';
import { makeNotificationUseCases } from '../../src/use-cases/notification-use-cases.ts';
import { aTweetJson, createFakeTweetHydrator, createFakeUserLookup, createRecordingMetrics } from '../fakes/fake-ports.ts';

let db: TestDatabase;
let topology: TestTopology;
let consumer: SqsConsumer;
let app: FastifyInstance;
const redis = new Redis(stackEnv().REDIS_URL);
const listener = new Redis(stackEnv().REDIS_URL);
const channels = streamChannels(`test:${randomUUID()}:`);
const tweets = createFakeTweetHydrator();
const ids = createIdGenerator({ workerId: 3 });
const now = () => new Date().toISOString();

beforeAll(async () => {
  [db, topology] = await Promise.all([createTestDatabase({ migrations: NOTIFICATION_MIGRATIONS }), createTestTopology()]);
  const useCases = makeNotificationUseCases({
    store: createPgNotificationStore(db.pool),
    users: createPgUserDirectory(db.pool),
    userLookup: createFakeUserLookup(),
    tweets,
    push: createRedisNotificationPush(createStreamPublisher(redis), channels),
    metrics: createRecordingMetrics(),
    ids,
    clock: systemClock,
  });
  app = buildApp({ config: { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: 16384 }, readiness: { postgres: () => db.pool.query('SELECT 1') }, useCases });
  consumer = topology.consume('chirp-notification', notificationEventHandlers(useCases));
});
afterAll(async () => {
  await consumer.stop();
  await app.close();
  await Promise.all([db.drop(), topology.destroy()]);
  redis.disconnect();
  listener.disconnect();
});

const publish = (topic: string, ...events: ReturnType<typeof createEvent>[]) => topology.publisher(topic).publish(events);
async function registered(handle: string) {
  const userId = ids.next();
  await publish(USER_EVENTS_TOPIC, createEvent(UserRegistered, { userId, handle, displayName: handle.toUpperCase(), bio: '', profileVersion: 1, createdAt: now() }));
  return userId;
}
const list = async (userId: string, query = '') => {
  const answer = await app.inject({ method: 'GET', url: `/v1/users/${userId}/notifications?limit=50${query}` });
  expect(answer.statusCode).toBe(200);
  return answer.json<{ data: Array<{ id: string; type: string; actor: { handle: string }; tweet: { id: string } | null; read: boolean }> }>().data;
};

it('when acts arrive as events, then each notifies its recipient once through the real queue, and unfollows and unlikes never reach it', async () => {
  const [ada, bob] = [await registered(`ada${Date.now().toString(36)}`), await registered(`bob${Date.now().toString(36)}`)];
  const tweetId = ids.next();
  tweets.tweets.set(tweetId, aTweetJson(tweetId, ada));
  const like = { tweetId, authorId: ada, userId: bob };
  const follow = { followerId: bob, followeeId: ada };
  await publish(
    TWEET_EVENTS_TOPIC,
    createEvent(TweetLiked, { ...like, likedAt: now() }),
    createEvent(TweetUnliked, { ...like, unlikedAt: now() }),
    createEvent(TweetLiked, { ...like, likedAt: now() }),
  );
  await publish(
    USER_EVENTS_TOPIC,
    createEvent(UserFollowed, { ...follow, sequence: '1', followedAt: now() }),
    createEvent(UserUnfollowed, { ...follow, sequence: '2', unfollowedAt: now() }),
    createEvent(UserFollowed, { ...follow, sequence: '3', followedAt: now() }),
  );
  await eventually(async () => (await list(ada)).length === 2, 'two notifications');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect((await list(ada)).map((n) => n.type).sort()).toEqual(['follow', 'like']);
  expect(await drainEvents(topology.clients.sqs, topology.deadLetterQueueUrls['chirp-notification']!)).toEqual([]);
});

it('when a reply mentions a user registered after the tweet event was sent, then both notifications arrive; the delete takes them away', async () => {
  const ada = await registered(`ada${Date.now().toString(36)}`);
  const bob = await registered(`bob${Date.now().toString(36)}`);
  const parentId = ids.next();
  const replyId = ids.next();
  tweets.tweets.set(replyId, aTweetJson(replyId, bob));
  const carolHandle = `Carol${Date.now().toString(36)}`;
  await publish(
    TWEET_EVENTS_TOPIC,
    createEvent(TweetCreated, { tweetId: replyId, authorId: bob, createdAt: now(), replyToId: parentId, replyToAuthorId: ada, mentions: [carolHandle], hashtags: [] }),
  );
  await eventually(async () => (await list(ada)).length === 1, 'the reply notification');
  const carol = ids.next();
  // The registration happened before the tweet but its event arrives after: the held mention settles.
  await publish(USER_EVENTS_TOPIC, createEvent(UserRegistered, { userId: carol, handle: carolHandle.toLowerCase(), displayName: 'C', bio: '', profileVersion: 1, createdAt: new Date(Date.now() - 60_000).toISOString() }));
  await eventually(async () => (await list(carol)).length === 1, 'the mention notification');
  expect((await list(carol))[0]).toMatchObject({ type: 'mention', actor: { handle: expect.stringMatching(/^bob/) }, tweet: { id: replyId } });
  await publish(TWEET_EVENTS_TOPIC, createEvent(TweetDeleted, { tweetId: replyId, authorId: bob, deletedAt: now() }));
  await eventually(async () => (await list(ada)).length === 0 && (await list(carol)).length === 0, 'both notifications gone');
});

it('when the recipient has a stream channel listened to, then a new notification is published on it, hydrated', async () => {
  const ada = await registered(`ada${Date.now().toString(36)}`);
  const bob = await registered(`bob${Date.now().toString(36)}`);
  const heard: string[] = [];
  listener.on('message', (_channel: string, message: string) => heard.push(message));
  await listener.subscribe(channels.user(ada));
  await publish(USER_EVENTS_TOPIC, createEvent(UserFollowed, { followerId: bob, followeeId: ada, sequence: '1', followedAt: now() }));
  await eventually(() => heard.length === 1, 'a pushed notification');
  const stored = (await list(ada))[0];
  expect(stored).toBeDefined();
  expect(parseStreamMessage(heard[0]!)).toMatchObject({ event: 'notification', id: stored!.id, data: { type: 'follow', actor: { id: bob }, tweet: null, read: false } });
});

it("when an actor's user.updated events carry avatars, repeated, stale and one from before avatars existed, then their notifications show the highest version's", async () => {
  const handle = `cy${Date.now().toString(36)}`;
  const [ada, cy] = [await registered(`ada${Date.now().toString(36)}`), await registered(handle)];
  const updated = (profileVersion: number, avatar: { avatarUrl?: string | null }) =>
    createEvent(UserUpdated, { userId: cy, handle, displayName: 'Cy', bio: '', profileVersion, updatedAt: now(), ...avatar });
  await publish(USER_EVENTS_TOPIC, createEvent(UserFollowed, { followerId: cy, followeeId: ada, sequence: '1', followedAt: now() }));
  await publish(USER_EVENTS_TOPIC, updated(3, { avatarUrl: 'https://media.example.test/cy-3.png' }), updated(2, {}), updated(3, { avatarUrl: 'https://media.example.test/cy-3.png' }));
  const avatarOf = async () => ((await list(ada))[0]?.actor as { avatarUrl?: string | null } | undefined)?.avatarUrl;
  await eventually(async () => (await avatarOf()) === 'https://media.example.test/cy-3.png', "Cy's avatar on the follow notification");
  // A removal and a stale repeat of version 3 in one batch: whichever is handled last, the removal stays.
  await publish(USER_EVENTS_TOPIC, updated(4, { avatarUrl: null }), updated(3, { avatarUrl: 'https://media.example.test/cy-3.png' }));
  await eventually(async () => (await avatarOf()) === null, "Cy's avatar removed");
  expect(await drainEvents(topology.clients.sqs, topology.deadLetterQueueUrls['chirp-notification']!)).toEqual([]);
});

it('when input is bad, then 400 with a stable code', async () => {
  const user = ids.next();
  const cases: Array<[string, string, unknown, string]> = [
    ['GET', `/v1/users/${user}/notifications?types=likes`, undefined, 'INVALID_NOTIFICATION_TYPES'],
    ['GET', `/v1/users/${user}/notifications?types=`, undefined, 'INVALID_NOTIFICATION_TYPES'],
    ['GET', `/v1/users/${user}/notifications?cursor=zzz`, undefined, 'INVALID_CURSOR'],
    ['GET', `/v1/users/${user}/notifications/missed?after=x`, undefined, 'INVALID_NOTIFICATION_ID'],
    ['POST', `/v1/users/${user}/notifications/read`, { upToId: '99999999999999999999' }, 'INVALID_NOTIFICATION_ID'],
    ['POST', `/v1/users/${user}/notifications/read`, { upToId: 5 }, 'VALIDATION_FAILED'],
    ['POST', `/v1/users/${user}/notifications/read`, {}, 'VALIDATION_FAILED'],
  ];
  for (const [method, url, payload, code] of cases) {
    const answer = await app.inject({ method: method as 'GET' | 'POST', url, ...(payload === undefined ? {} : { payload: payload as object }) });
    expect({ url, status: answer.statusCode, code: answer.json<{ code: string }>().code }).toEqual({ url, status: 400, code });
  }
});
