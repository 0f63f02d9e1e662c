// The user service's use cases over the real adapters: Postgres, argon2id, RS256, the outbox
// relay and the SNS/SQS emulator. Each case names the guarantee it checks.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createEvent } from '@chirp/kernel/events';
import type { SqsConsumer } from '@chirp/common/sqs-consumer';
import { createIdGenerator } from '@chirp/kernel/ids';
import { TweetCreated, TweetDeleted, TWEET_EVENTS_TOPIC } from '@chirp/kernel/tweet-events';
import { USER_EVENTS_TOPIC } from '@chirp/kernel/user-events';
import { drainEvents, eventually } from '@chirp/testing/eventually';
import { killRelayAfterPublish } from '@chirp/testing/outbox-faults';
import { markOutboxSent, pendingEvents as pendingEventsOf, relayUntilDrained as relayUntilDrainedTo } from '@chirp/testing/outbox';
import { createTestDatabase, createTestTopology, stackEnv, type TestDatabase, type TestTopology, uniqueName } from '@chirp/testing/stack';
import { Redis } from 'ioredis';
import { createLogger } from '@chirp/common/logging';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tweetEventHandlers } from '../../src/adapters/messaging/tweet-event-handlers.ts';
import { buildApp } from '../../src/app.ts';
import { createArgon2PasswordHasher } from '../../src/infrastructure/argon2-password-hasher.ts';
import { createJwtAccessTokenIssuer, keySet, publicJwks, signingKey } from '../../src/infrastructure/jwt-access-tokens.ts';
import { USER_MIGRATIONS } from '../../src/infrastructure/migrations.ts';
import { createPgUserStore } from '../../src/infrastructure/pg-user-store.ts';
import { createRandomTokenSecrets } from '../../src/infrastructure/random-token-secrets.ts';
import { createRedisSessionRevocations } from '../../src/infrastructure/redis-session-revocations.ts';
import { systemClock } from '@chirp/kernel/clock';
import { makeUserUseCases, type UserUseCases } from '../../src/use-cases/user-use-cases.ts';

let db: TestDatabase;
let topology: TestTopology;
let service: UserUseCases;
let app: FastifyInstance;
/**
 * Queues subscribed to user events, each through its filter policy: the tweet service's gets
 * profiles, the timeline's the follow graph. Between them they see every user event.
 */
let profileEventsQueue: string;
let followEventsQueue: string;
/** The gateways' Redis, where revocations are announced, under this file's own prefix. */
let redis: Redis;
const revocationPrefix = `${uniqueName('t:')}:sessions:`;

beforeAll(async () => {
  [db, topology] = await Promise.all([createTestDatabase({ migrations: USER_MIGRATIONS }), createTestTopology()]);
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const keys = keySet([signingKey('test', privateKey)], 'test');
  redis = new Redis(stackEnv().REDIS_URL, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
  const users = createPgUserStore(db.pool);
  service = makeUserUseCases({
    users,
    revocations: createRedisSessionRevocations({ redis, prefix: revocationPrefix, accessTokenTtlSeconds: 900, sessions: users, log: createLogger('user', 'silent') }),
    hasher: createArgon2PasswordHasher(),
    issuer: createJwtAccessTokenIssuer(keys, { issuer: 'chirp-user', audience: 'chirp-api', ttlSeconds: 900 }, systemClock),
    secrets: createRandomTokenSecrets(),
    ids: createIdGenerator({ workerId: 1 }),
    clock: systemClock,
    lifetimes: { refreshTokenTtlSeconds: 3600, sessionMaxAgeSeconds: 7200 },
  });
  app = buildApp({ config: { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: 16384 }, readiness: { postgres: () => db.pool.query('SELECT 1') }, useCases: service, jwks: () => publicJwks(keys) });
  profileEventsQueue = topology.queueUrls['chirp-tweet']!;
  followEventsQueue = topology.queueUrls['chirp-timeline']!;
});
afterAll(async () => {
  await redis.del(`${revocationPrefix}revoked`);
  redis.disconnect();
  await app.close();
  await db.drop();
  await topology.destroy();
});
/** Marks what earlier cases wrote as sent, so a case sees only its own outbox rows. */
beforeEach(() => markOutboxSent(db.pool));

const register = (handle: string) => service.registerUser({ handle, password: 'password-1' });
const uniqueHandle = (prefix: string) => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 14 - prefix.length)}`;
const relayUntilDrained = () =>
  relayUntilDrainedTo({ pool: db.pool, sns: topology.clients.sns, topic: USER_EVENTS_TOPIC, topicArn: topology.topicArns[USER_EVENTS_TOPIC]! });
const pendingEvents = () => pendingEventsOf(db.pool);

describe('registration against Postgres', () => {
  it('when two registrations of one handle race (in different case), then one 201 and one 409 HANDLE_TAKEN, and one event', async () => {
    const handle = uniqueHandle('race');
    const answers = await Promise.all(
      [handle, handle.toUpperCase()].map((h) => app.inject({ method: 'POST', url: '/v1/users', payload: { handle: h, password: 'password-1' } })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.statusCode === 409)?.json()).toMatchObject({ code: 'HANDLE_TAKEN' });
    expect((await pendingEvents()).filter((e) => e.type === 'user.registered')).toHaveLength(1);
  });
});

describe('bad input on the real store', () => {
  it('when ids overflow 64 bits or text cannot be stored, then 4xx with a stable code, never 500', async () => {
    const ada = await register(uniqueHandle('bad'));
    const big = '9999999999999999999';
    const cases: Array<[string, string, unknown, number, string]> = [
      ['GET', `/v1/users/${big}`, undefined, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/v1/users/${big}`, { bio: 'x' }, 400, 'VALIDATION_FAILED'],
      ['PUT', `/v1/users/${big}/following/${ada.handle}`, undefined, 400, 'VALIDATION_FAILED'],
      ['POST', '/v1/users/batch', { ids: [big] }, 400, 'VALIDATION_FAILED'],
      ['GET', `/v1/users/by-handle/${ada.handle}?viewerId=${big}`, undefined, 400, 'VALIDATION_FAILED'],
      ['POST', '/v1/users', { handle: uniqueHandle('nul'), password: 'password-1', displayName: 'a\u0000b' }, 400, 'INVALID_DISPLAY_NAME'],
      ['POST', '/v1/users', { handle: uniqueHandle('sur'), password: 'password-1', displayName: 'Ann \ud83d' }, 400, 'INVALID_DISPLAY_NAME'],
      ['PATCH', `/v1/users/${ada.id}`, { bio: 'bio \u0000' }, 400, 'INVALID_BIO'],
      ['POST', '/v1/users', { handle: uniqueHandle('rlo'), password: 'password-1', displayName: 'alice\u202e' }, 400, 'INVISIBLE_CHARACTERS'],
      ['PATCH', `/v1/users/${ada.id}`, { displayName: 'ada\u200b' }, 400, 'INVISIBLE_CHARACTERS'],
      ['PATCH', `/v1/users/${ada.id}`, { bio: 'see \u2066me\u2069' }, 400, 'INVISIBLE_CHARACTERS'],
      ['GET', '/v1/users/search?q=%00', undefined, 400, 'INVALID_SEARCH_QUERY'],
      ['PATCH', `/v1/users/123`, { bio: 'x' }, 404, 'USER_NOT_FOUND'],
    ];
    for (const [method, url, payload, status, code] of cases) {
      const response = await app.inject({ method: method as 'GET', url, ...(payload === undefined ? {} : { payload: payload as object }) });
      expect({ method, url, status: response.statusCode, code: response.json<{ code: string }>().code }).toEqual({ method, url, status, code });
    }
  });

  it('when names and bios are 50 and 160 emoji, then they are stored and published as they are', async () => {
    const user = await service.registerUser({ handle: uniqueHandle('emo'), password: 'password-1', displayName: '😀'.repeat(50) });
    const updated = await service.updateProfile({ userId: user.id, bio: '𝓐'.repeat(160) });
    expect((await service.getUser({ id: user.id })).bio).toBe(updated.bio);
    expect((await pendingEvents()).map((e) => e.type)).toEqual(['user.registered', 'user.updated']);
  });
});

describe('reads on the real store, through the HTTP app', () => {
  it('when a star has three followers, then profile, both lists with paging and following flags, search and batch agree', async () => {
    const tag = uniqueHandle('rd').slice(3, 11);
    const star = await register(`s${tag}`);
    const fans = [];
    for (const n of [1, 2, 3]) fans.push(await service.registerUser({ handle: `f${n}${tag}`, password: 'password-1', displayName: `Fan ${tag}` }));
    for (const fan of fans) await service.followUser({ followerId: fan.id, followeeHandle: star.handle });
    await service.followUser({ followerId: star.id, followeeHandle: fans[0]!.handle });
    const get = async <T,>(url: string): Promise<T> => {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      return response.json<T>();
    };
    type Page = { data: Array<{ handle: string; following?: boolean }>; nextCursor: string | null };

    expect(await get(`/v1/users/by-handle/${star.handle.toUpperCase()}`)).toMatchObject({ id: star.id, followersCount: 3, followingCount: 1 });
    const first = await get<Page>(`/v1/users/by-handle/${star.handle}/followers?limit=2&viewerId=${star.id}`);
    const rest = await get<Page>(`/v1/users/by-handle/${star.handle}/followers?limit=2&viewerId=${star.id}&cursor=${first.nextCursor}`);
    expect([...first.data, ...rest.data].map((u) => [u.handle, u.following])).toEqual([
      [fans[2]!.handle, false],
      [fans[1]!.handle, false],
      [fans[0]!.handle, true],
    ]);
    expect(rest.nextCursor).toBeNull();
    expect((await get<Page>(`/v1/users/by-handle/${star.handle}/following`)).data.map((u) => u.handle)).toEqual([fans[0]!.handle]);
    // Handles start with f1/f2/f3, display names with "Fan <tag>": both kinds of match, ordered by handle.
    expect((await get<Page>(`/v1/users/search?q=fan%20${tag}`)).data.map((u) => u.handle)).toEqual(fans.map((f) => f.handle));
    expect((await get<Page>(`/v1/users/search?q=F2${tag}`)).data.map((u) => u.handle)).toEqual([fans[1]!.handle]);
    const batch = await app.inject({ method: 'POST', url: '/v1/users/batch', payload: { ids: [fans[1]!.id, '42', star.id], viewerId: star.id } });
    expect(batch.json<Page>().data.map((u) => [u.handle, u.following])).toEqual([
      [fans[1]!.handle, false],
      [star.handle, false],
    ]);
  });
});

describe('follow graph under concurrency', () => {
  it('when 100 follow and unfollow calls on one pair run at once, then both counts equal the rows and the events net to them', async () => {
    const [a, b] = await Promise.all([register(uniqueHandle('fa')), register(uniqueHandle('fb'))]);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0 ? service.followUser({ followerId: a.id, followeeHandle: b.handle }) : service.unfollowUser({ followerId: a.id, followeeHandle: b.handle }),
      ),
    );
    const { rows } = await db.pool.query<{ count: string }>('SELECT count(*) FROM follows WHERE follower_id = $1 AND followee_id = $2', [a.id, b.id]);
    const edges = Number(rows[0]!.count);
    expect((await service.getUser({ id: a.id })).followingCount).toBe(edges);
    expect((await service.getUser({ id: b.id })).followersCount).toBe(edges);
    const changes = (await pendingEvents())
      .filter((e) => e.type === 'user.followed' || e.type === 'user.unfollowed')
      .map((e) => ({ type: e.type, sequence: BigInt((e.payload as { sequence: string }).sequence) }))
      .sort((x, y) => (x.sequence < y.sequence ? -1 : 1));
    // In sequence order the changes alternate, starting with a follow, and the last one is the state.
    changes.forEach((change, i) => expect(change.type).toBe(i % 2 === 0 ? 'user.followed' : 'user.unfollowed'));
    expect(changes.length % 2).toBe(edges);
    expect(changes.length).toBeGreaterThan(0);
  });

  it('when two users follow each other at once, many times, then no deadlock and both counts are exact', async () => {
    const [a, b] = await Promise.all([register(uniqueHandle('ma')), register(uniqueHandle('mb'))]);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0 ? service.followUser({ followerId: a.id, followeeHandle: b.handle }) : service.followUser({ followerId: b.id, followeeHandle: a.handle }),
      ),
    );
    expect(await service.getUser({ id: a.id })).toMatchObject({ followersCount: 1, followingCount: 1 });
    expect(await service.getUser({ id: b.id })).toMatchObject({ followersCount: 1, followingCount: 1 });
  });
});

describe('sessions against Postgres', () => {
  it('when a spent refresh token is presented again, then 401 REFRESH_TOKEN_REUSED and the newer token of that session is revoked too', async () => {
    const user = await register(uniqueHandle('sess'));
    const login = await service.logIn({ handle: user.handle, password: 'password-1' });
    const next = await service.refreshSession({ refreshToken: login.refreshToken });
    await expect(service.refreshSession({ refreshToken: login.refreshToken })).rejects.toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
    await expect(service.refreshSession({ refreshToken: next.refreshToken })).rejects.toMatchObject({ code: 'SESSION_REVOKED' });
    const { rows } = await db.pool.query<{ revoked_reason: string }>('SELECT revoked_reason FROM sessions WHERE user_id = $1', [user.id]);
    expect(rows).toEqual([{ revoked_reason: 'refresh_token_reuse' }]);
  });

  it('when a session is logged out or a refresh token reused, then the session is announced in the revoked set for an access-token lifetime and more', async () => {
    const sessionOf = async (refreshToken: string) => {
      const { rows } = await db.pool.query<{ session_id: string }>("SELECT session_id FROM refresh_tokens WHERE token_hash = sha256(convert_to($1, 'UTF8'))", [refreshToken]);
      return rows[0]!.session_id;
    };
    const user = await register(uniqueHandle('rev'));
    const loggedOut = await service.logIn({ handle: user.handle, password: 'password-1' });
    const reused = await service.logIn({ handle: user.handle, password: 'password-1' });
    const kept = await service.logIn({ handle: user.handle, password: 'password-1' });
    await service.logOut({ refreshToken: loggedOut.refreshToken });
    await service.refreshSession({ refreshToken: reused.refreshToken });
    await expect(service.refreshSession({ refreshToken: reused.refreshToken })).rejects.toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
    const scoreOf = async (refreshToken: string) => redis.zscore(`${revocationPrefix}revoked`, await sessionOf(refreshToken));
    for (const token of [loggedOut, reused]) {
      const until = Number(await scoreOf(token.refreshToken));
      expect(until).toBeGreaterThan(Date.now() + 900_000);
      expect(until).toBeLessThan(Date.now() + 900_000 + 120_000);
    }
    expect(await scoreOf(kept.refreshToken)).toBeNull();
  });

  it('when one refresh token is spent twice at the same moment, then exactly one call gets new tokens', async () => {
    const user = await register(uniqueHandle('twin'));
    const login = await service.logIn({ handle: user.handle, password: 'password-1' });
    const results = await Promise.allSettled([login, login, login].map((l) => service.refreshSession({ refreshToken: l.refreshToken })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('when the user logs out, then refreshing fails with SESSION_REVOKED; another login still works', async () => {
    const user = await register(uniqueHandle('out'));
    const first = await service.logIn({ handle: user.handle, password: 'password-1' });
    const second = await service.logIn({ handle: user.handle, password: 'password-1' });
    await service.logOut({ refreshToken: first.refreshToken });
    await expect(service.refreshSession({ refreshToken: first.refreshToken })).rejects.toMatchObject({ code: 'SESSION_REVOKED' });
    expect((await service.refreshSession({ refreshToken: second.refreshToken })).user.id).toBe(user.id);
  });
});

describe('events through the outbox', () => {
  const drainUserEvents = async () => {
    const [profiles, follows] = await Promise.all([profileEventsQueue, followEventsQueue].map((queue) => drainEvents(topology.clients.sqs, queue)));
    return { profiles: profiles ?? [], follows: follows ?? [] };
  };

  beforeEach(async () => {
    await drainUserEvents();
  });

  it('when users register, follow, update and unfollow, then each change reaches the queue once, in one event each', async () => {
    const [a, b] = await Promise.all([register(uniqueHandle('ea')), register(uniqueHandle('eb'))]);
    await service.followUser({ followerId: a.id, followeeHandle: b.handle });
    await service.updateProfile({ userId: a.id, bio: 'hello' });
    await service.unfollowUser({ followerId: a.id, followeeHandle: b.handle });
    const written = await pendingEvents();
    await relayUntilDrained();
    const { profiles, follows } = await drainUserEvents();
    const received = [...profiles, ...follows];
    expect(received.map((e) => e.id).sort()).toEqual(written.map((e) => e.id).sort());
    // Each queue gets only the types its subscription's filter policy lets through.
    expect(profiles.map((e) => e.type).sort()).toEqual(['user.registered', 'user.registered', 'user.updated']);
    expect(follows.map((e) => e.type).sort()).toEqual(['user.followed', 'user.unfollowed']);
    expect(received.find((e) => e.type === 'user.followed')?.payload).toMatchObject({ followerId: a.id, followeeId: b.id });
  });

  it('when the relay is killed between publish and mark-sent, then every event is published again by the next relay: none lost', async () => {
    const user = await register(uniqueHandle('kill'));
    await service.updateProfile({ userId: user.id, displayName: 'Killed Relay' });
    const written = (await pendingEvents()).map((e) => e.id);
    expect(killRelayAfterPublish({ databaseUrl: db.url, topic: USER_EVENTS_TOPIC, topicArn: topology.topicArns[USER_EVENTS_TOPIC]! })).toBe('SIGKILL');
    expect((await pendingEvents()).map((e) => e.id)).toEqual(written);
    await relayUntilDrained();
    const received = (await drainUserEvents()).profiles.map((e) => e.id);
    // Twice each (once per relay): at least once is the guarantee, and consumers dedupe on the id.
    expect(received.sort()).toEqual([...written, ...written].sort());
  });
});

describe('tweet counts from the tweet event queue', () => {
  let consumer: SqsConsumer | undefined;
  afterAll(async () => {
    await consumer?.stop();
  });

  it('when tweet events arrive twice and a delete before its create, then each author count is exact; a malformed message goes to the DLQ', async () => {
    const author = await register(uniqueHandle('tc'));
    consumer = topology.consume('chirp-user', tweetEventHandlers(service.recordTweetFact));
    const publisher = topology.publisher(TWEET_EVENTS_TOPIC);
    const now = new Date().toISOString();
    const created = (tweetId: string) => createEvent(TweetCreated, { tweetId, authorId: author.id, createdAt: now, replyToId: null, mentions: [], hashtags: [] });
    const deleted = (tweetId: string) => createEvent(TweetDeleted, { tweetId, authorId: author.id, deletedAt: now });
    const first = created('101');
    await publisher.publish([first, first, created('102'), deleted('103')]);
    await publisher.publish([created('103'), deleted('102'), deleted('102')]);
    await topology.clients.sqs.send(new SendMessageCommand({ QueueUrl: topology.queueUrls['chirp-user']!, MessageBody: '{"not":"an event"}' }));

    // Every fact heard: 101 created, 102 created and deleted, 103 deleted and created.
    await eventually(async () => {
      const { rows } = await db.pool.query<{ heard: string }>(
        `SELECT string_agg(tweet_id || ':' || created || ':' || deleted, ',' ORDER BY tweet_id) AS heard FROM tweet_tallies WHERE author_id = $1`,
        [author.id],
      );
      return rows[0]!.heard === '101:true:false,102:true:true,103:true:true';
    }, 'tweet events handled');
    await eventually(async () => (await drainEvents(topology.clients.sqs, topology.deadLetterQueueUrls['chirp-user']!)).length === 1, 'malformed message dead-lettered');
    // 101 counts; 102 was created then deleted; 103's delete came first, so it never counts.
    expect((await service.getUser({ id: author.id })).tweetCount).toBe(1);
  });
});
