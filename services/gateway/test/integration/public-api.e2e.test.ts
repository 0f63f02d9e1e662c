// The whole public contract (../shared/api/v1.md), walked through the gateway with the four
// services running as processes on the real stack. Every answer is also held to the OpenAPI
// document the gateway serves (contract-client.ts).
import { eventually } from '@chirp/testing/eventually';
import { type Platform, RATE_LIMITS_RAISED, startPlatform } from '@chirp/testing/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractClient, type Session } from './contract-client.ts';

let platform: Platform;
let api: Awaited<ReturnType<typeof contractClient>>;

beforeAll(async () => {
  // Limits are raised: this walk signs in more often than a person would (the security suite tests them).
  platform = await startPlatform({ serviceEnv: { gateway: RATE_LIMITS_RAISED } });
  api = await contractClient(platform.gatewayUrl);
});

afterAll(async () => {
  await platform?.stop();
});

const ids = (page: { data: Array<{ id: string }> }) => page.data.map((item) => item.id);

async function signUp(handle: string): Promise<Session> {
  expect((await api.call('POST', '/v1/auth/register', { body: { handle, password: `${handle}-password` } })).status).toBe(201);
  const login = await api.call<Session>('POST', '/v1/auth/login', { body: { handle: handle.toUpperCase(), password: `${handle}-password` } });
  expect(login.status).toBe(200);
  return login.body;
}

async function home(session: Session): Promise<string[]> {
  const answer = await api.call('GET', '/v1/timelines/home?limit=50', { token: session.accessToken });
  expect(answer.status).toBe(200);
  return ids(answer.body);
}

describe('the public API, end to end through the gateway', () => {
  it('when a user registers, signs in, refreshes and reuses a spent refresh token, then the session ends as the contract says', async () => {
    const registered = await api.call('POST', '/v1/auth/register', { body: { handle: 'Ada_L', password: 'correct horse', displayName: 'Ada' } });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ handle: 'Ada_L', displayName: 'Ada', bio: '', followersCount: 0, tweetCount: 0 });
    expect((await api.call('POST', '/v1/auth/register', { body: { handle: 'ada_l', password: 'another one' } })).body.code).toBe('HANDLE_TAKEN');
    expect((await api.call('POST', '/v1/auth/register', { body: { handle: 'x', password: 'correct horse' } })).body.code).toBe('INVALID_HANDLE');
    expect((await api.call('POST', '/v1/auth/register', { body: { handle: 'shortpw', password: 'short' } })).body.code).toBe('PASSWORD_TOO_SHORT');

    const wrongPassword = await api.call('POST', '/v1/auth/login', { body: { handle: 'ada_l', password: 'wrong horse' } });
    const unknownHandle = await api.call('POST', '/v1/auth/login', { body: { handle: 'nobody', password: 'wrong horse' } });
    expect([wrongPassword.status, unknownHandle.status]).toEqual([401, 401]);
    expect(wrongPassword.body.detail).toBe(unknownHandle.body.detail);

    const login = await api.call<Session & { tokenType: string; expiresIn: number }>('POST', '/v1/auth/login', { body: { handle: 'ADA_L', password: 'correct horse' } });
    expect(login.body).toMatchObject({ tokenType: 'Bearer', user: { handle: 'Ada_L' } });
    expect(login.body.expiresIn).toBeGreaterThan(0);
    expect((await api.call('GET', '/v1/users/me', { token: login.body.accessToken })).body.id).toBe(registered.body.id);

    const refreshed = await api.call<Session>('POST', '/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
    expect((await api.call('GET', '/v1/users/me', { token: refreshed.body.accessToken })).status).toBe(200);

    const reused = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect([reused.status, reused.body.code]).toEqual([401, 'REFRESH_TOKEN_REUSED']);
    // The reuse revoked the whole session, the token that descended from the login included.
    const descendant = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } });
    expect(descendant.status).toBe(401);

    const again = await api.call<Session>('POST', '/v1/auth/login', { body: { handle: 'ada_l', password: 'correct horse' } });
    const updated = await api.call('PATCH', '/v1/users/me', { token: again.body.accessToken, body: { bio: 'Analytical engine' } });
    expect(updated.body).toMatchObject({ bio: 'Analytical engine', displayName: 'Ada' });
    expect((await api.call('PATCH', '/v1/users/me', { token: again.body.accessToken, body: { bio: 'b'.repeat(161) } })).body.code).toBe('BIO_TOO_LONG');

    expect((await api.call('POST', '/v1/auth/logout', { body: { refreshToken: again.body.refreshToken } })).status).toBe(204);
    expect((await api.call('POST', '/v1/auth/logout', { body: { refreshToken: again.body.refreshToken } })).status).toBe(204);
    const afterLogout = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: again.body.refreshToken } });
    expect(afterLogout.status).toBe(401);
  });

  it('when users follow, post, reply, like, unfollow and delete, then timelines, lists, search and counts follow suit', async () => {
    const grace = await signUp('grace');
    const alan = await signUp('alan');

    // Follow: idempotent; yourself is 400; an unknown handle 404.
    for (let i = 0; i < 2; i += 1) expect((await api.call('PUT', '/v1/users/me/following/ALAN', { token: grace.accessToken })).status).toBe(204);
    expect((await api.call('PUT', '/v1/users/me/following/grace', { token: grace.accessToken })).body.code).toBe('CANNOT_FOLLOW_SELF');
    expect((await api.call('PUT', '/v1/users/me/following/nobody', { token: grace.accessToken })).body.code).toBe('USER_NOT_FOUND');
    const followers = await api.call('GET', '/v1/users/alan/followers', { token: alan.accessToken });
    expect(followers.body.data).toEqual([expect.objectContaining({ handle: 'grace', following: false })]);
    expect((await api.call('GET', '/v1/users/grace/following')).body.data.map((u) => u.handle)).toEqual(['alan']);
    expect((await api.call('GET', '/v1/users/alan', { token: grace.accessToken })).body).toMatchObject({ followersCount: 1, following: true });

    // Post, with an idempotent retry.
    const text = 'Computing machinery and #Intelligence, ask @grace';
    const posted = await api.call('POST', '/v1/tweets', { token: alan.accessToken, body: { text }, headers: { 'idempotency-key': 'turing-1950' } });
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ text, author: { id: alan.user.id, handle: 'alan' }, hashtags: ['intelligence'], mentions: ['grace'], replyToId: null });
    const replayed = await api.call('POST', '/v1/tweets', { token: alan.accessToken, body: { text }, headers: { 'idempotency-key': 'turing-1950' } });
    expect([replayed.status, replayed.body.id, replayed.headers.get('idempotent-replayed')]).toEqual([201, posted.body.id, 'true']);
    const tweetId: string = posted.body.id;
    expect((await api.call('POST', '/v1/tweets', { token: alan.accessToken, body: { text: '   ' } })).body.code).toBe('TWEET_EMPTY');
    expect((await api.call('POST', '/v1/tweets', { token: alan.accessToken, body: { text: '字'.repeat(141) } })).body.code).toBe('TWEET_TOO_LONG');

    // Reply, like.
    const reply = await api.call('POST', '/v1/tweets', { token: grace.accessToken, body: { text: 'Can machines think?', replyToId: tweetId } });
    expect(reply.body.replyToId).toBe(tweetId);
    expect((await api.call('POST', '/v1/tweets', { token: grace.accessToken, body: { text: 'x', replyToId: '12345' } })).body.code).toBe('REPLY_TARGET_NOT_FOUND');
    for (let i = 0; i < 2; i += 1) expect((await api.call('PUT', `/v1/tweets/${tweetId}/like`, { token: grace.accessToken })).status).toBe(204);
    expect((await api.call('GET', `/v1/tweets/${tweetId}`, { token: grace.accessToken })).body).toMatchObject({ likeCount: 1, replyCount: 1, likedByMe: true });
    expect((await api.call('GET', `/v1/tweets/${tweetId}`)).body).not.toHaveProperty('likedByMe');
    expect(ids((await api.call('GET', `/v1/tweets/${tweetId}/replies`)).body)).toEqual([reply.body.id]);

    // Home timelines: own tweets and followees', newest first.
    await eventually(async () => (await home(grace)).join() === [reply.body.id, tweetId].join(), "grace's home has her reply and alan's tweet");
    await eventually(async () => (await home(alan)).join() === tweetId, "alan's home has his own tweet only");

    // User timeline, search.
    expect(ids((await api.call('GET', '/v1/users/ALAN/tweets')).body)).toEqual([tweetId]);
    expect(ids((await api.call('GET', '/v1/users/grace/tweets?limit=1')).body)).toEqual([reply.body.id]);
    expect((await api.call('GET', '/v1/users/nobody/tweets')).body.code).toBe('USER_NOT_FOUND');
    expect(ids((await api.call('GET', '/v1/search/tweets?q=%23intelligence')).body)).toEqual([tweetId]);
    expect(ids((await api.call('GET', '/v1/search/tweets?q=MACHINES')).body)).toEqual([reply.body.id]);
    expect((await api.call('GET', `/v1/search/tweets?q=${'q'.repeat(101)}`)).body.code).toBe('INVALID_SEARCH_QUERY');
    expect((await api.call('GET', '/v1/search/users?q=GR', { token: alan.accessToken })).body.data).toEqual([expect.objectContaining({ handle: 'grace', following: false })]);

    // Paging: keyset cursors, and bad ones are 400.
    const first = await api.call('GET', `/v1/users/grace/tweets?limit=1`);
    expect(first.body.nextCursor).toBeNull();
    expect((await api.call('GET', '/v1/timelines/home?cursor=bogus', { token: grace.accessToken })).body.code).toBe('INVALID_CURSOR');
    expect((await api.call('GET', '/v1/timelines/home?limit=101', { token: grace.accessToken })).body.code).toBe('VALIDATION_FAILED');

    // A second tweet, then deleted: it leaves every timeline, list and search.
    const second = await api.call('POST', '/v1/tweets', { token: alan.accessToken, body: { text: 'On computable numbers #intelligence' } });
    await eventually(async () => (await home(grace)).includes(second.body.id), "alan's second tweet reaches grace");
    expect((await api.call('DELETE', `/v1/tweets/${second.body.id}`, { token: grace.accessToken })).body.code).toBe('NOT_TWEET_AUTHOR');
    expect((await api.call('DELETE', `/v1/tweets/${second.body.id}`, { token: alan.accessToken })).status).toBe(204);
    expect((await api.call('GET', `/v1/tweets/${second.body.id}`)).body.code).toBe('TWEET_NOT_FOUND');
    expect((await api.call('PUT', `/v1/tweets/${second.body.id}/like`, { token: grace.accessToken })).body.code).toBe('TWEET_NOT_FOUND');
    await eventually(async () => !(await home(grace)).includes(second.body.id), "the deleted tweet leaves grace's home");
    expect(ids((await api.call('GET', '/v1/users/alan/tweets')).body)).toEqual([tweetId]);
    expect(ids((await api.call('GET', '/v1/search/tweets?q=%23intelligence')).body)).toEqual([tweetId]);

    // Unlike lowers the count; unfollow takes alan's tweets out of grace's home.
    expect((await api.call('DELETE', `/v1/tweets/${tweetId}/like`, { token: grace.accessToken })).status).toBe(204);
    expect((await api.call('GET', `/v1/tweets/${tweetId}`, { token: grace.accessToken })).body).toMatchObject({ likeCount: 0, likedByMe: false });
    for (let i = 0; i < 2; i += 1) expect((await api.call('DELETE', '/v1/users/me/following/alan', { token: grace.accessToken })).status).toBe(204);
    await eventually(async () => (await home(grace)).join() === reply.body.id, "alan's tweet leaves grace's home after the unfollow");
    expect((await api.call('GET', '/v1/users/alan')).body).toMatchObject({ followersCount: 0 });
    await eventually(async () => (await api.call('GET', '/v1/users/alan')).body.tweetCount === 1, "alan's tweetCount counts the live tweet only");
  });

  it('when the walk is over, then every error met was a documented code of its route', () => {
    // contract-client checks each answer as it comes; this shows the walk met the error paths at all.
    expect(api.observedErrors().length).toBeGreaterThan(15);
  });
});
