import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { aGateway, aToken, AUDIENCE, bearer, ISSUER, KID } from './gateway-harness.ts';

const now = () => Math.floor(Date.now() / 1000);
const unsigned = (header: object, payload: object) =>
  `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;

describe('authentication at the gateway', () => {
  it('when a signed-in route is called without a token, then 401 UNAUTHENTICATED with WWW-Authenticate, and no service is called', async () => {
    const { app, calls } = await aGateway();
    const response = await app.inject({ url: '/v1/timelines/home' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(calls).toEqual([]);
  });

  it('when the token is valid, then the caller is its subject and the downstream gets it with the request id', async () => {
    const { app, calls } = await aGateway();
    const response = await app.inject({ url: '/v1/timelines/home?limit=5', headers: { ...bearer(aToken({ sub: '4242' })), 'x-request-id': 'req-77' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-request-id']).toBe('req-77');
    expect(calls).toEqual([{ port: 'timelines', method: 'readHome', args: ['4242', { limit: 5 }], ctx: { requestId: 'req-77' } }]);
  });

  it("when the token's session is revoked after it was used, then the same token gets 401 INVALID_TOKEN at once, though it was cached", async () => {
    const revoked = new Set<string>();
    const { app, calls } = await aGateway({ revokedSessions: revoked });
    const token = aToken({ sid: 'session-9' });
    expect((await app.inject({ url: '/v1/users/me', headers: bearer(token) })).statusCode).toBe(200);
    revoked.add('session-9');
    const refused = await app.inject({ url: '/v1/users/me', headers: bearer(token) });
    expect([refused.statusCode, refused.json().code]).toEqual([401, 'INVALID_TOKEN']);
    expect(refused.json().detail).toContain('signed out or revoked');
    expect((await app.inject({ url: '/v1/users/me', headers: bearer(aToken({ sid: 'session-10' })) })).statusCode).toBe(200);
    expect(calls).toHaveLength(2);
  });

  it('when a token has no session id, then 401 INVALID_TOKEN: it could never be revoked', async () => {
    const { app } = await aGateway();
    const response = await app.inject({ url: '/v1/users/me', headers: bearer(aToken({ sid: undefined })) });
    expect([response.statusCode, response.json().code]).toEqual([401, 'INVALID_TOKEN']);
  });

  const forged: Array<[string, () => string]> = [
    ['alg none', () => unsigned({ alg: 'none', typ: 'JWT', kid: KID }, { sub: '1001', iss: ISSUER, aud: AUDIENCE, exp: now() + 600 })],
    ['another key', () => aToken({}, {}, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)],
    ['HS256 with the public key as secret', () => jwt.sign({ sub: '1001' }, 'public-key-pem-as-secret', { algorithm: 'HS256', keyid: KID, issuer: ISSUER, audience: AUDIENCE, expiresIn: 60 })],
    ['expired', () => aToken({ exp: now() - 60 })],
    ['not yet valid', () => aToken({ nbf: now() + 600 })],
    ['the wrong issuer', () => aToken({}, { issuer: 'someone-else' })],
    ['the wrong audience', () => aToken({}, { audience: 'another-api' })],
    ['an unknown kid', () => aToken({}, { keyid: 'nobody' })],
    ['a tampered payload', () => {
      const [header, , signature] = aToken().split('.');
      return `${header}.${Buffer.from(JSON.stringify({ sub: '1', iss: ISSUER, aud: AUDIENCE, exp: now() + 600 })).toString('base64url')}.${signature}`;
    }],
    ['no subject', () => aToken({ sub: undefined })],
  ];
  it.each(forged)('when the token has %s, then 401 INVALID_TOKEN and no service is called', async (_name, token) => {
    const { app, calls } = await aGateway();
    const response = await app.inject({ method: 'POST', url: '/v1/tweets', headers: bearer(token()), payload: { text: 'hi' } });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('INVALID_TOKEN');
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(calls).toEqual([]);
  });

  it('when the Authorization header is not a bearer token, then 401 INVALID_TOKEN', async () => {
    const { app } = await aGateway();
    for (const authorization of ['Basic YWRhOnB3', 'Bearer', 'Bearer not-a-jwt', `Bearer ${aToken()} extra`]) {
      const response = await app.inject({ url: '/v1/users/me', headers: { authorization } });
      expect([authorization, response.statusCode, response.json().code]).toEqual([authorization, 401, 'INVALID_TOKEN']);
    }
  });

  it('when a public route gets no token, then it answers without a viewer; with one, the viewer is the caller', async () => {
    const { app, calls } = await aGateway();
    expect((await app.inject({ url: '/v1/tweets/2001' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/tweets/2001', headers: bearer(aToken({ sub: '77' })) })).statusCode).toBe(200);
    expect(calls.map((call) => call.args)).toEqual([
      ['2001', undefined],
      ['2001', '77'],
    ]);
  });

  it('when a public route gets a bad token, then 401 rather than silently answering as signed out', async () => {
    const { app } = await aGateway();
    const response = await app.inject({ url: '/v1/users/ada', headers: bearer(aToken({ exp: now() - 60 })) });
    expect(response.statusCode).toBe(401);
  });

  it('when a body or query names another user, then 400 and nothing is called: identity comes from the token only', async () => {
    const { app, calls } = await aGateway();
    const posts = [{ text: 'hi', authorId: '1' }, { text: 'hi', likeCount: 5 }, { text: 'hi', authorHandle: 'root' }];
    for (const payload of posts) {
      const response = await app.inject({ method: 'POST', url: '/v1/tweets', headers: bearer(), payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
    expect((await app.inject({ url: '/v1/timelines/home?userId=1', headers: bearer() })).statusCode).toBe(400);
    expect(calls).toEqual([]);
  });

  it('when a tweet is posted, then the author is the token’s subject and handle', async () => {
    const { app, calls } = await aGateway();
    const response = await app.inject({ method: 'POST', url: '/v1/tweets', headers: { ...bearer(aToken({ sub: '55', handle: 'grace' })), 'idempotency-key': 'k-1' }, payload: { text: 'hi' } });
    expect(response.statusCode).toBe(201);
    expect(calls[0]).toMatchObject({ port: 'tweets', method: 'post', args: [{ authorId: '55', authorHandle: 'grace', text: 'hi', idempotencyKey: 'k-1' }] });
  });

  it('when a token predates the handle claim, then the handle is looked up by the subject', async () => {
    const { app, calls } = await aGateway({ answers: { 'users.getById': () => ({ ...baseUser, id: '55', handle: 'grace' }) } });
    const response = await app.inject({ method: 'POST', url: '/v1/tweets', headers: bearer(aToken({ sub: '55', handle: undefined })), payload: { text: 'hi' } });
    expect(response.statusCode).toBe(201);
    expect(calls.map((call) => `${call.port}.${call.method}`)).toEqual(['users.getById', 'tweets.post']);
    expect(calls[1]!.args[0]).toMatchObject({ authorId: '55', authorHandle: 'grace' });
  });
});

const baseUser = { displayName: 'G', bio: '', createdAt: '2026-01-01T00:00:00.000Z', followersCount: 0, followingCount: 0, tweetCount: 0 };
