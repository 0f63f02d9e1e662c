import { afterEach, describe, expect, it } from 'vitest';
import { aUserApp } from '../fakes/fake-ports.ts';

let current: ReturnType<typeof aUserApp> | undefined;
const anApp = () => (current = aUserApp());
afterEach(async () => {
  await current?.app.close();
  current = undefined;
});

const post = (app: ReturnType<typeof aUserApp>['app'], url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });

describe('user routes', () => {
  it('when a user registers, then 201 with the public user object and no password anywhere', async () => {
    const { app } = anApp();
    const response = await post(app, '/v1/users', { handle: 'ada', password: 'password1', displayName: 'Ada' });
    expect(response.statusCode).toBe(201);
    const body = response.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(['avatarUrl', 'bio', 'createdAt', 'displayName', 'followersCount', 'followingCount', 'handle', 'id', 'tweetCount']);
    expect(body).toMatchObject({ handle: 'ada', displayName: 'Ada', createdAt: expect.stringMatching(/Z$/) });
    expect(response.body).not.toContain('password1');
  });

  it.each([
    [{ handle: 'ab', password: 'password1' }, 'INVALID_HANDLE'],
    [{ handle: 'a'.repeat(100), password: 'password1' }, 'INVALID_HANDLE'],
    [{ handle: 'abc', password: 'short' }, 'PASSWORD_TOO_SHORT'],
    [{ handle: 'abc', password: 'p'.repeat(200) }, 'PASSWORD_TOO_LONG'],
    [{ handle: 'abc', password: 'password1', authorId: '1' }, 'VALIDATION_FAILED'],
    [{ handle: 'abc', password: 12345678 }, 'VALIDATION_FAILED'],
    [{ password: 'password1' }, 'VALIDATION_FAILED'],
  ])('when registering with %j, then 400 %s as problem+json', async (payload, code) => {
    const { app } = anApp();
    const response = await post(app, '/v1/users', payload);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 400, code });
  });

  it('when the body is malformed JSON, then 400 MALFORMED_JSON; when the handle is taken, then 409 HANDLE_TAKEN', async () => {
    const { app } = anApp();
    const malformed = await app.inject({ method: 'POST', url: '/v1/users', headers: { 'content-type': 'application/json' }, payload: '{"handle":' });
    expect(malformed.json()).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
    await post(app, '/v1/users', { handle: 'ada', password: 'password1' });
    expect((await post(app, '/v1/users', { handle: 'ADA', password: 'password1' })).json()).toMatchObject({ status: 409, code: 'HANDLE_TAKEN' });
  });

  it('when logging in with a wrong password or an unknown handle, then the same 401 body', async () => {
    const { app } = anApp();
    await post(app, '/v1/users', { handle: 'ada', password: 'password1' });
    const wrong = await post(app, '/v1/sessions', { handle: 'ada', password: 'password2' });
    const unknown = await post(app, '/v1/sessions', { handle: 'bob', password: 'password2' });
    expect(wrong.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    expect(strip(wrong.json<Record<string, unknown>>())).toEqual(strip(unknown.json<Record<string, unknown>>()));
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
  });

  it('when signed in, refreshed and reused, then 200, 200, then 401 REFRESH_TOKEN_REUSED; logout is 204', async () => {
    const { app } = anApp();
    await post(app, '/v1/users', { handle: 'ada', password: 'password1' });
    const login = await post(app, '/v1/sessions', { handle: 'ada', password: 'password1' });
    expect(login.json()).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { handle: 'ada' } });
    const refreshed = await post(app, '/v1/sessions/refresh', { refreshToken: login.json().refreshToken });
    expect(refreshed.statusCode).toBe(200);
    const reused = await post(app, '/v1/sessions/refresh', { refreshToken: login.json().refreshToken });
    expect(reused.json()).toMatchObject({ status: 401, code: 'REFRESH_TOKEN_REUSED' });
    expect((await post(app, '/v1/sessions/logout', { refreshToken: refreshed.json().refreshToken })).statusCode).toBe(204);
  });

  it('when following by handle, then 204 twice and the counts say one; self-follow is 400, an unknown handle 404', async () => {
    const { app } = anApp();
    const ada = (await post(app, '/v1/users', { handle: 'ada', password: 'password1' })).json();
    await post(app, '/v1/users', { handle: 'bob', password: 'password1' });
    for (let i = 0; i < 2; i += 1) expect((await app.inject({ method: 'PUT', url: `/v1/users/${ada.id}/following/BOB` })).statusCode).toBe(204);
    const bob = await app.inject({ method: 'GET', url: `/v1/users/by-handle/bob?viewerId=${ada.id}` });
    expect(bob.json()).toMatchObject({ followersCount: 1, following: true });
    expect((await app.inject({ method: 'PUT', url: `/v1/users/${ada.id}/following/ada` })).json()).toMatchObject({ status: 400, code: 'CANNOT_FOLLOW_SELF' });
    expect((await app.inject({ method: 'PUT', url: `/v1/users/${ada.id}/following/nobody` })).json()).toMatchObject({ status: 404, code: 'USER_NOT_FOUND' });
    const followers = await app.inject({ method: 'GET', url: '/v1/users/by-handle/bob/followers?limit=10' });
    expect(followers.json()).toMatchObject({ data: [{ handle: 'ada' }], nextCursor: null });
  });

  it('when ids, limits or cursors are bad, then 400 with a stable code, never 500', async () => {
    const { app } = anApp();
    await post(app, '/v1/users', { handle: 'bob', password: 'password1' });
    const cases: Array<[string, string]> = [
      ['/v1/users/abc', 'VALIDATION_FAILED'],
      ['/v1/users/99999999999999999999', 'VALIDATION_FAILED'],
      ['/v1/users/by-handle/bob/followers?limit=0', 'VALIDATION_FAILED'],
      ['/v1/users/by-handle/bob/followers?limit=101', 'VALIDATION_FAILED'],
      ['/v1/users/by-handle/bob/followers?cursor=%%%', 'INVALID_CURSOR'],
      ['/v1/users/by-handle/bob/followers?extra=1', 'VALIDATION_FAILED'],
      ['/v1/users/by-handle/b%20b', 'INVALID_HANDLE'],
      ['/v1/users/search?q=', 'VALIDATION_FAILED'],
    ];
    for (const [url, code] of cases) {
      const response = await app.inject({ method: 'GET', url });
      expect({ url, status: response.statusCode, code: response.json().code }).toEqual({ url, status: 400, code });
    }
  });

  it('when a profile is patched with an unknown field or nothing, then 400; with a bio, then 200 and the new bio', async () => {
    const { app } = anApp();
    const ada = (await post(app, '/v1/users', { handle: 'ada', password: 'password1' })).json();
    expect((await app.inject({ method: 'PATCH', url: `/v1/users/${ada.id}`, payload: { handle: 'eve' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'PATCH', url: `/v1/users/${ada.id}`, payload: {} })).statusCode).toBe(400);
    const patched = await app.inject({ method: 'PATCH', url: `/v1/users/${ada.id}`, payload: { bio: 'Counting.' } });
    expect(patched.json()).toMatchObject({ bio: 'Counting.' });
  });

  it('when other services ask for users in a batch, then the known ones in order; over 100 ids is 400', async () => {
    const { app } = anApp();
    const a = (await post(app, '/v1/users', { handle: 'aaa', password: 'password1' })).json();
    const b = (await post(app, '/v1/users', { handle: 'bbb', password: 'password1' })).json();
    const batch = await post(app, '/v1/users/batch', { ids: [b.id, '5', a.id] });
    expect(batch.json<{ data: Array<{ handle: string }> }>().data.map((u) => u.handle)).toEqual(['bbb', 'aaa']);
    const tooMany = await post(app, '/v1/users/batch', { ids: Array.from({ length: 101 }, (_, i) => String(i + 1)) });
    expect(tooMany.statusCode).toBe(400);
  });

  it('when the gateway fetches the JWKS, then it is cacheable JSON with the keys', async () => {
    const { app } = anApp();
    const response = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(response.headers['cache-control']).toContain('max-age=');
    expect(response.json().keys[0]).toMatchObject({ kid: 'test-key', alg: 'RS256' });
  });
});
