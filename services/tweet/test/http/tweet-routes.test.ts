import { describe, expect, it } from 'vitest';
import type { TweetJson } from '@chirp/kernel/api-v1';
import { aTweetApp } from '../fakes/fake-ports.ts';

interface Problem {
  status: number;
  code: string;
  detail: string;
}
interface TweetPage {
  data: TweetJson[];
  nextCursor: string | null;
}

const post = (app: ReturnType<typeof aTweetApp>['app'], body: Record<string, unknown>, headers: Record<string, string> = {}, userId = '1001') =>
  app.inject({ method: 'POST', url: `/v1/users/${userId}/tweets`, payload: body, headers });

describe('tweet routes', () => {
  it('when a tweet is posted, then 201 with the Tweet shape; a replay with the same key is 201, the same tweet, marked replayed', async () => {
    const { app } = aTweetApp();
    const created = await post(app, { text: 'hi #there @someone', authorHandle: 'alice' }, { 'idempotency-key': 'abc' });
    expect(created.statusCode).toBe(201);
    const tweet = created.json<TweetJson>();
    expect(tweet).toEqual({
      id: expect.stringMatching(/^\d+$/),
      text: 'hi #there @someone',
      createdAt: expect.stringMatching(/Z$/),
      author: { id: '1001', handle: 'alice', displayName: 'alice' },
      replyToId: null,
      likeCount: 0,
      replyCount: 0,
      likedByMe: false,
      hashtags: ['there'],
      mentions: ['someone'],
      media: [],
    });
    expect(created.headers['idempotent-replayed']).toBeUndefined();
    const replay = await post(app, { text: 'hi #there @someone', authorHandle: 'alice' }, { 'idempotency-key': 'abc' });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json<TweetJson>().id).toBe(tweet.id);
    await app.close();
  });

  it.each([
    ['empty text', { text: '   ', authorHandle: 'alice' }, {}, 400, 'TWEET_EMPTY'],
    ['281 weighted characters', { text: 'a'.repeat(281), authorHandle: 'alice' }, {}, 400, 'TWEET_TOO_LONG'],
    ['an unknown replyToId', { text: 'x', replyToId: '123', authorHandle: 'alice' }, {}, 404, 'REPLY_TARGET_NOT_FOUND'],
    ['a non-numeric replyToId', { text: 'x', replyToId: 'abc', authorHandle: 'alice' }, {}, 400, 'VALIDATION_FAILED'],
    ['an out-of-range replyToId', { text: 'x', replyToId: '99999999999999999999', authorHandle: 'alice' }, {}, 400, 'VALIDATION_FAILED'],
    ['an unknown field', { text: 'x', authorHandle: 'alice', likeCount: 5 }, {}, 400, 'VALIDATION_FAILED'],
    ['a text that is not a string', { text: 5, authorHandle: 'alice' }, {}, 400, 'VALIDATION_FAILED'],
    ['a malformed Idempotency-Key', { text: 'x', authorHandle: 'alice' }, { 'idempotency-key': 'bad key!' }, 400, 'INVALID_IDEMPOTENCY_KEY'],
    ['no author handle', { text: 'x' }, {}, 400, 'VALIDATION_FAILED'],
    ['a 600-character Idempotency-Key', { text: 'x', authorHandle: 'alice' }, { 'idempotency-key': 'k'.repeat(600) }, 400, 'INVALID_IDEMPOTENCY_KEY'],
  ])('when the body has %s, then %i %s', async (_what, body, headers, status, code) => {
    const { app } = aTweetApp();
    const response = await post(app, body, headers);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json<Problem>().code).toBe(code);
    await app.close();
  });

  it('when the body is larger than the limit or not JSON, then 413 or 415', async () => {
    const { app } = aTweetApp();
    const big = await post(app, { text: 'a'.repeat(10_000), authorHandle: 'alice' });
    expect([big.statusCode, big.json<Problem>().code]).toEqual([413, 'BODY_TOO_LARGE']);
    const text = await app.inject({ method: 'POST', url: '/v1/users/1001/tweets', payload: 'hi', headers: { 'content-type': 'text/plain' } });
    expect(text.statusCode).toBe(415);
    await app.close();
  });

  it.each([
    ['GET', '/v1/tweets/abc', 'VALIDATION_FAILED'],
    ['GET', '/v1/tweets/18446744073709551616', 'VALIDATION_FAILED'],
    ['GET', '/v1/tweets/123/replies?cursor=%%%', 'INVALID_CURSOR'],
    ['GET', '/v1/tweets/123/replies?limit=0', 'VALIDATION_FAILED'],
    ['GET', '/v1/tweets/123/replies?limit=101', 'VALIDATION_FAILED'],
    ['GET', '/v1/users/1001/tweets?cursor=WyJ4Il0', 'INVALID_CURSOR'],
    ['GET', '/v1/users/1001/tweets?viewer=1', 'VALIDATION_FAILED'],
    ['GET', '/v1/tweets/search?q=', 'INVALID_SEARCH_QUERY'],
    ['GET', `/v1/tweets/search?q=${'a'.repeat(2000)}`, 'INVALID_SEARCH_QUERY'],
    ['GET', '/v1/tweets/search?q=%21%21', 'INVALID_SEARCH_QUERY'],
    ['PUT', '/v1/users/1001/likes/x1', 'VALIDATION_FAILED'],
  ])('when %s %s, then 400 %s', async (method, url, code) => {
    const { app } = aTweetApp();
    const response = await app.inject({ method: method as 'GET', url });
    expect(response.statusCode).toBe(400);
    expect(response.json<Problem>().code).toBe(code);
    await app.close();
  });

  it('when the URL is malformed, then a problem+json 400 BAD_URL', async () => {
    const { app } = aTweetApp();
    const response = await app.inject({ method: 'GET', url: '/v1/tweets/%E0%A4%A' });
    expect([response.statusCode, response.headers['content-type']]).toEqual([400, expect.stringContaining('application/problem+json')]);
    expect(response.json<Problem>().code).toBe('BAD_URL');
    await app.close();
  });

  it('when liking, deleting and reading through the routes, then 204s, 403 for another author, 404 after deletion', async () => {
    const { app } = aTweetApp();
    const tweet = (await post(app, { text: 'route me', authorHandle: 'alice' })).json<TweetJson>();
    expect((await app.inject({ method: 'PUT', url: `/v1/users/1002/likes/${tweet.id}` })).statusCode).toBe(204);
    const viewed = await app.inject({ method: 'GET', url: `/v1/tweets/${tweet.id}?viewerId=1002` });
    expect(viewed.json<TweetJson>()).toMatchObject({ likeCount: 1, likedByMe: true });
    const batch = await app.inject({ method: 'POST', url: '/v1/tweets/batch', payload: { ids: [tweet.id, '5'] } });
    expect(batch.json<{ data: TweetJson[] }>().data.map((t) => t.id)).toEqual([tweet.id]);
    const forbidden = await app.inject({ method: 'DELETE', url: `/v1/users/1002/tweets/${tweet.id}` });
    expect([forbidden.statusCode, forbidden.json<Problem>().code]).toEqual([403, 'NOT_TWEET_AUTHOR']);
    expect((await app.inject({ method: 'DELETE', url: `/v1/users/1001/tweets/${tweet.id}` })).statusCode).toBe(204);
    const gone = await app.inject({ method: 'GET', url: `/v1/tweets/${tweet.id}` });
    expect([gone.statusCode, gone.json<Problem>().code]).toEqual([404, 'TWEET_NOT_FOUND']);
    const page = await app.inject({ method: 'GET', url: '/v1/users/1001/tweets' });
    expect(page.json<TweetPage>()).toEqual({ data: [], nextCursor: null });
    await app.close();
  });

  it('when a batch asks for more than 100 ids or none, then 400', async () => {
    const { app } = aTweetApp();
    const many = await app.inject({ method: 'POST', url: '/v1/tweets/batch', payload: { ids: Array.from({ length: 101 }, (_, i) => String(i + 1)) } });
    expect(many.statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/v1/tweets/batch', payload: { ids: [] } })).statusCode).toBe(400);
    await app.close();
  });

  it('when Postgres is down, then /readyz is 503 naming it and /healthz stays 200', async () => {
    const { app } = aTweetApp({ readiness: { postgres: () => Promise.reject(new Error('connection refused')) } });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json<Problem>().detail).toContain('postgres: connection refused');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });
});
