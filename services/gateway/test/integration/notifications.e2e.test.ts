// Notifications and the live stream end to end: the five services as processes on the real
// stack (@chirp/testing/platform), driven through the gateway as a client would, REST answers
// held to the gateway's OpenAPI document. The SSE client is a plain fetch reading the stream.
import { type ChildProcess, spawn } from 'node:child_process';
import { eventually } from '@chirp/testing/eventually';
import { type Platform, RATE_LIMITS_RAISED, startPlatform } from '@chirp/testing/platform';
import { openEventStream } from '@chirp/testing/sse-client';
import { stackEnv } from '@chirp/testing/stack';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractClient, type Session } from './contract-client.ts';

let platform: Platform;
let api: Awaited<ReturnType<typeof contractClient>>;
// The merged-on-read threshold is low, so one test can make an author merged on read.
const THRESHOLD = 3;

beforeAll(async () => {
  platform = await startPlatform({
    serviceEnv: {
      gateway: RATE_LIMITS_RAISED,
      timeline: { HIGH_FOLLOWER_THRESHOLD: String(THRESHOLD) },
    },
  });
  api = await contractClient(platform.gatewayUrl);
});
afterAll(async () => {
  await platform?.stop();
});

interface Notification {
  id: string;
  type: string;
  read: boolean;
  actor: { id: string; handle: string };
  tweet: { id: string } | null;
}
let handles = 0;
async function signUp(prefix: string): Promise<Session> {
  const handle = `${prefix}${Date.now().toString(36).slice(-5)}${(handles += 1)}`;
  expect((await api.call('POST', '/v1/auth/register', { body: { handle, password: `${handle}-password` } })).status).toBe(201);
  const login = await api.call<Session>('POST', '/v1/auth/login', { body: { handle, password: `${handle}-password` } });
  return login.body;
}
const post = async (session: Session, text: string, replyToId?: string) =>
  (await api.call('POST', '/v1/tweets', { token: session.accessToken, body: { text, ...(replyToId ? { replyToId } : {}) } })).body.id;
const notificationsOf = async (session: Session, query = '') => {
  const answer = await api.call<{ data: Notification[] }>('GET', `/v1/notifications?limit=50${query}`, { token: session.accessToken });
  expect(answer.status).toBe(200);
  return answer.body.data;
};
const follow = (who: Session, whom: Session) => api.call('PUT', `/v1/users/me/following/${whom.user.handle}`, { token: who.accessToken });
const unfollow = (who: Session, whom: Session) => api.call('DELETE', `/v1/users/me/following/${whom.user.handle}`, { token: who.accessToken });
const like = (who: Session, tweetId: string) => api.call('PUT', `/v1/tweets/${tweetId}/like`, { token: who.accessToken });
const unlike = (who: Session, tweetId: string) => api.call('DELETE', `/v1/tweets/${tweetId}/like`, { token: who.accessToken });
const settle = () => new Promise((resolve) => setTimeout(resolve, 2500));

/** An SSE client on the gateway: events as they arrive (data parsed), with when each arrived. */
async function openStream(baseUrl: string, session: Session, lastEventId?: string) {
  const stream = await openEventStream(`${baseUrl}/v1/streaming?access_token=${session.accessToken}`, lastEventId ? { 'last-event-id': lastEventId } : {});
  expect(stream.response.status).toBe(200);
  await eventually(() => stream.blocks.length > 0, 'the stream open');
  return {
    get events() {
      return stream.blocks.flatMap((block, index) =>
        block.event ? [{ event: block.event, id: block.id, data: JSON.parse(block.data ?? 'null') as Record<string, unknown>, at: stream.arrivedAt[index]! }] : [],
      );
    },
    get comments() {
      return stream.blocks.flatMap((block) => (block.comment === undefined ? [] : [block.comment]));
    },
    ended: stream.ended,
    close: stream.close,
  };
}
type Stream = Awaited<ReturnType<typeof openStream>>;
/**
 * How late a live event may arrive here. The API's "within a second" is a figure for a benchmark
 * (make bench-streaming: p99 about 0.25 s over 2,000 streams), not for a timed test on a loaded CI
 * machine; this bound only tells an event pushed live from one that was not (a consumer waiting out
 * its 20 s long poll, a message found by a later read, or none: arrival's 10 s deadline).
 */
const LIVE_MS = 3000;

/** Waits for an event, and says how long after `since` it arrived. */
async function arrival(stream: Stream, since: number, match: (e: Stream['events'][number]) => boolean, what: string): Promise<number> {
  await eventually(() => stream.events.some(match), what, 10_000);
  return stream.events.find(match)!.at - since;
}

describe('notifications through the gateway', () => {
  it('when users follow, mention, reply and like, then each of the four arrives once, self-acts notify no one, and repeats notify once', async () => {
    const ada = await signUp('ada');
    const bob = await signUp('bob');
    const tweet = await post(ada, 'hello world');
    // Let the registrations reach the notification service's directory (mentions resolve from it).
    await settle();
    await follow(bob, ada);
    await unfollow(bob, ada);
    await follow(bob, ada);
    await like(bob, tweet);
    await unlike(bob, tweet);
    await like(bob, tweet);
    await post(bob, `hi @${ada.user.handle.toUpperCase()}`);
    await post(bob, 'a reply', tweet);
    // Self-acts: following oneself is refused by the API; liking, mentioning and replying to oneself are not.
    await like(ada, tweet);
    await post(ada, `me @${ada.user.handle}`, tweet);
    await eventually(async () => (await notificationsOf(ada)).length >= 4, 'four notifications', 10_000);
    await settle();
    const all = await notificationsOf(ada);
    expect(all.map((n) => n.type).sort()).toEqual(['follow', 'like', 'mention', 'reply']);
    expect(all.every((n) => n.actor.id === bob.user.id && !n.read)).toBe(true);
    expect(all.find((n) => n.type === 'like')?.tweet?.id).toBe(tweet);
    expect(all.find((n) => n.type === 'follow')?.tweet).toBeNull();
    expect((await notificationsOf(ada, '&types=like,follow')).map((n) => n.type).sort()).toEqual(['follow', 'like']);
    expect(await notificationsOf(bob)).toEqual([]);
  });

  it('when a tweet that mentions and replies is deleted, then its notifications disappear; unread-count and read behave as the contract says', async () => {
    const ada = await signUp('ada');
    const bob = await signUp('bob');
    const parent = await post(ada, 'parent');
    await settle();
    const reply = await post(bob, `@${ada.user.handle} reply`, parent);
    await follow(bob, ada);
    await eventually(async () => (await notificationsOf(ada)).length === 3, 'three notifications', 10_000);
    expect((await api.call('GET', '/v1/notifications/unread-count', { token: ada.accessToken })).body).toEqual({ count: 3 });
    expect((await api.call('DELETE', `/v1/tweets/${reply}`, { token: bob.accessToken })).status).toBe(204);
    await eventually(async () => (await notificationsOf(ada)).length === 1, 'only the follow left', 10_000);
    // The list leaves a deleted tweet out as soon as the tweet service no longer has it; the count
    // drops once the notification service has handled tweet.deleted, an event later.
    await eventually(async () => (await api.call('GET', '/v1/notifications/unread-count', { token: ada.accessToken })).body.count === 1, 'the unread count without the deleted tweet', 10_000);
    const [followed] = await notificationsOf(ada);
    expect(followed?.type).toBe('follow');
    expect((await api.call('GET', '/v1/notifications/unread-count', { token: ada.accessToken })).body).toEqual({ count: 1 });
    expect((await api.call('POST', '/v1/notifications/read', { token: ada.accessToken, body: { upToId: followed!.id } })).status).toBe(204);
    expect((await api.call('GET', '/v1/notifications/unread-count', { token: ada.accessToken })).body).toEqual({ count: 0 });
    expect((await notificationsOf(ada))[0]?.read).toBe(true);
  });

  it('when input is bad, then a 4xx problem with a stable code, never a 500', async () => {
    const ada = await signUp('ada');
    const cases: Array<[string, string, unknown, number, string]> = [
      ['GET', '/v1/notifications?types=likes', undefined, 400, 'INVALID_NOTIFICATION_TYPES'],
      ['GET', '/v1/notifications?types=', undefined, 400, 'INVALID_NOTIFICATION_TYPES'],
      ['POST', '/v1/notifications/read', { upToId: 'abc' }, 400, 'INVALID_NOTIFICATION_ID'],
      ['POST', '/v1/notifications/read', { upToId: '99999999999999999999' }, 400, 'INVALID_NOTIFICATION_ID'],
      ['POST', '/v1/notifications/read', {}, 400, 'VALIDATION_FAILED'],
    ];
    for (const [method, url, body, status, code] of cases) {
      const answer = await api.call(method, url, { token: ada.accessToken, ...(body === undefined ? {} : { body }) });
      expect({ url, body, status: answer.status, code: answer.body.code }).toEqual({ url, body, status, code });
    }
    // Validly signed by the user service's key, but an hour past its expiry.
    const expired = jwt.sign({ sub: ada.user.id, sid: 's-expired', handle: ada.user.handle }, platform.signingKey.pem, {
      algorithm: 'RS256',
      keyid: platform.signingKey.kid,
      issuer: 'chirp-user',
      audience: 'chirp-api',
      expiresIn: -3600,
    });
    const streamCases: Array<[string, Record<string, string>, number, string]> = [
      ['/v1/streaming', {}, 401, 'UNAUTHENTICATED'],
      ['/v1/streaming?access_token=x.y.z', {}, 401, 'INVALID_TOKEN'],
      ['/v1/streaming', { authorization: 'Bearer nope' }, 401, 'INVALID_TOKEN'],
      [`/v1/streaming?access_token=${expired}`, {}, 401, 'INVALID_TOKEN'],
      ['/v1/streaming', { authorization: `Bearer ${expired}` }, 401, 'INVALID_TOKEN'],
      ['/v1/streaming', { authorization: `Bearer ${ada.accessToken}`, 'last-event-id': 'not-an-id' }, 400, 'INVALID_LAST_EVENT_ID'],
    ];
    for (const [url, headers, status, code] of streamCases) {
      const answer = await fetch(`${platform.gatewayUrl}${url}`, { headers });
      const body = (await answer.json()) as { code: string };
      expect({ url: url.slice(0, 40), status: answer.status, type: answer.headers.get('content-type'), code: body.code }).toEqual({
        url: url.slice(0, 40),
        status,
        type: 'application/problem+json; charset=utf-8',
        code,
      });
    }
    expect((await api.call('GET', '/v1/notifications')).status).toBe(401);
  });
});

describe('the live stream', () => {
  it('when connected, then a notification, an update for a followee\'s tweet, one from an author merged on read, and a delete each arrive live', async () => {
    const reader = await signUp('rdr');
    const author = await signUp('aut');
    const famous = await signUp('fam');
    await follow(reader, author);
    await follow(reader, famous);
    // The famous author passes the threshold with their first tweet, and is merged on read after it.
    for (let i = 0; i < THRESHOLD; i += 1) await follow(await signUp('fan'), famous);
    await post(famous, 'first, fanned out while it counts');
    await settle();
    const stream = await openStream(platform.gatewayUrl, reader);

    let since = Date.now();
    const tweet = await post(author, 'for my followers');
    const updateLag = await arrival(stream, since, (e) => e.event === 'update' && e.data.id === tweet, 'the update');
    since = Date.now();
    const merged = await post(famous, 'merged on read');
    const mergedLag = await arrival(stream, since, (e) => e.event === 'update' && e.data.id === merged, 'the merged author\'s update');
    since = Date.now();
    await api.call('DELETE', `/v1/tweets/${tweet}`, { token: author.accessToken });
    const deleteLag = await arrival(stream, since, (e) => e.event === 'delete' && e.data.id === tweet, 'the delete');
    since = Date.now();
    await follow(author, reader);
    const notificationLag = await arrival(stream, since, (e) => e.event === 'notification' && (e.data.actor as { id: string }).id === author.user.id, 'the notification');
    const notification = stream.events.find((e) => e.event === 'notification')!;
    expect(notification.id).toBe(notification.data.id);
    const lags = { updateLag, mergedLag, deleteLag, notificationLag };
    expect(Object.entries(lags).filter(([, ms]) => ms >= LIVE_MS), JSON.stringify(lags)).toEqual([]);
    stream.close();
  });

  it('when the reader unfollows while connected, then each of that author\'s tweets leaving the home timeline arrives live as a delete; following again brings each back as an update, oldest first', async () => {
    const reader = await signUp('rdr');
    const author = await signUp('aut');
    const other = await signUp('oth');
    await follow(reader, author);
    await follow(reader, other);
    const tweets = [await post(author, 'one'), await post(author, 'two')];
    const kept = await post(other, 'stays');
    await eventually(async () => (await api.call('GET', '/v1/timelines/home?limit=10', { token: reader.accessToken })).body.data.length === 3, 'three tweets at home', 10_000);
    const stream = await openStream(platform.gatewayUrl, reader);
    const since = Date.now();
    expect((await unfollow(reader, author)).status).toBe(204);
    const lags = await Promise.all(tweets.map((id) => arrival(stream, since, (e) => e.event === 'delete' && e.data.id === id, `the delete of ${id}`)));
    expect(lags.filter((ms) => ms >= LIVE_MS), JSON.stringify(lags)).toEqual([]);
    await settle();
    expect(stream.events.filter((e) => e.event === 'delete').map((e) => e.data.id).sort()).toEqual([...tweets].sort());
    expect(stream.events.some((e) => e.data.id === kept)).toBe(false);
    const refollowed = Date.now();
    await follow(reader, author);
    await Promise.all(tweets.map((id) => arrival(stream, refollowed, (e) => e.event === 'update' && e.data.id === id, `the update of ${id} on following again`)));
    expect(stream.events.filter((e) => e.event === 'update').map((e) => e.data.id)).toEqual(tweets);
    stream.close();
  });

  it('when the reader follows an author merged on read while connected, then that author\'s new tweets arrive live as updates', async () => {
    const reader = await signUp('rdr');
    const famous = await signUp('fam');
    for (let i = 0; i < THRESHOLD; i += 1) await follow(await signUp('fan'), famous);
    const before = await post(famous, 'first, fanned out while it counts');
    await settle();
    const stream = await openStream(platform.gatewayUrl, reader);
    await follow(reader, famous);
    // The follow has reached the timeline when its merged tweets show on read.
    await eventually(async () => (await api.call('GET', '/v1/timelines/home?limit=10', { token: reader.accessToken })).body.data.some((t) => t.id === before), 'the merged tweet at home', 10_000);
    // It entered the home timeline while connected: an update, though no row was written for it.
    await arrival(stream, 0, (e) => e.event === 'update' && e.data.id === before, 'the merged tweet as an update on following');
    const since = Date.now();
    const merged = await post(famous, 'merged on read, to a follower who just arrived');
    const lag = await arrival(stream, since, (e) => e.event === 'update' && e.data.id === merged, "the merged author's update");
    expect(lag).toBeLessThan(LIVE_MS);
    stream.close();
  });

  it('when the session signs out, then its open stream ends within about a second', async () => {
    const ada = await signUp('ada');
    const stream = await openStream(platform.gatewayUrl, ada);
    expect((await api.call('POST', '/v1/auth/logout', { body: { refreshToken: ada.refreshToken } })).status).toBe(204);
    await eventually(() => stream.ended(), 'the stream ended', 3000);
    expect(stream.comments.at(-1)).toContain('signed out');
  });

  it('when a client disconnects, misses notifications and reconnects with Last-Event-ID, then it gets all of them, in order, none twice', async () => {
    const ada = await signUp('ada');
    const first = await signUp('fol');
    await settle();
    const stream = await openStream(platform.gatewayUrl, ada);
    await follow(first, ada);
    await eventually(() => stream.events.some((e) => e.event === 'notification'), 'the first notification', 10_000);
    const lastSeen = stream.events.find((e) => e.event === 'notification')!.id!;
    stream.close();
    const followers = [];
    for (let i = 0; i < 5; i += 1) followers.push(await signUp('fol'));
    for (const follower of followers) await follow(follower, ada);
    await eventually(async () => (await notificationsOf(ada)).length === 6, 'six notifications stored', 10_000);
    const missed = (await notificationsOf(ada)).slice(0, 5).reverse().map((n) => n.id);

    const again = await openStream(platform.gatewayUrl, ada, lastSeen);
    const late = await signUp('fol');
    await follow(late, ada);
    await eventually(() => again.events.filter((e) => e.event === 'notification').length >= 6, 'the replay and the new one', 10_000);
    await settle();
    const ids = again.events.filter((e) => e.event === 'notification').map((e) => e.id!);
    expect(ids.slice(0, 5)).toEqual(missed);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    again.close();
  });

  it('when two gateway processes run, then a client connected to either receives its events', async () => {
    const env = stackEnv();
    const port = 24_080;
    const second: ChildProcess = spawn(process.execPath, ['services/gateway/src/main.ts'], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        REDIS_URL: env.REDIS_URL,
        USER_SERVICE_URL: platform.services.user.url,
        TWEET_SERVICE_URL: platform.services.tweet.url,
        TIMELINE_SERVICE_URL: platform.services.timeline.url,
        NOTIFICATION_SERVICE_URL: platform.services.notification.url,
        STREAM_CHANNEL_PREFIX: platform.streamChannelPrefix,
        RATE_LIMIT_AUTHENTICATED: '10000',
      },
      stdio: 'ignore',
    });
    try {
      const secondUrl = `http://127.0.0.1:${port}`;
      await eventually(async () => (await fetch(`${secondUrl}/readyz`).catch(() => undefined))?.status === 200, 'the second gateway', 30_000);
      const ada = await signUp('ada');
      const bob = await signUp('bob');
      await settle();
      const onFirst = await openStream(platform.gatewayUrl, ada);
      const onSecond = await openStream(secondUrl, bob);
      await follow(bob, ada);
      await follow(ada, bob);
      await eventually(() => onFirst.events.some((e) => e.event === 'notification'), 'ada\'s notification on the first gateway', 10_000);
      await eventually(() => onSecond.events.some((e) => e.event === 'notification'), 'bob\'s notification on the second gateway', 10_000);
      expect((onFirst.events.find((e) => e.event === 'notification')!.data.actor as { id: string }).id).toBe(bob.user.id);
      expect((onSecond.events.find((e) => e.event === 'notification')!.data.actor as { id: string }).id).toBe(ada.user.id);
      onFirst.close();
      onSecond.close();
    } finally {
      second.kill('SIGTERM');
    }
  });
});
