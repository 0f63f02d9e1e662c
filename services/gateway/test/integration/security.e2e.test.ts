// Attacks on the public API and outages behind it, all through the gateway with the four
// services running as processes on the real stack.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { eventually } from '@chirp/testing/eventually';
import { type Platform, startPlatform } from '@chirp/testing/platform';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractClient } from './contract-client.ts';

const SIGN_IN_LIMIT = 8;
let platform: Platform;
let api: Awaited<ReturnType<typeof contractClient>>;
let ada: { accessToken: string; user: { id: string } };
let eve: { accessToken: string; user: { id: string } };
let adasTweet: string;

beforeAll(async () => {
  platform = await startPlatform({
    serviceEnv: { gateway: { RATE_LIMIT_SIGN_IN: String(SIGN_IN_LIMIT), RATE_LIMIT_AUTHENTICATED: '10000', RATE_LIMIT_ANONYMOUS: '10000', BREAKER_RESET_MS: '1000' } },
  });
  api = await contractClient(platform.gatewayUrl);
  const signUp = async (handle: string) => {
    await api.call('POST', '/v1/auth/register', { body: { handle, password: `${handle}-password` } });
    return (await api.call('POST', '/v1/auth/login', { body: { handle, password: `${handle}-password` } })).body;
  };
  ada = await signUp('ada');
  eve = await signUp('eve');
  adasTweet = (await api.call('POST', '/v1/tweets', { token: ada.accessToken, body: { text: 'mine' } })).body.id;
  expect((await api.call('PUT', `/v1/tweets/${adasTweet}/like`, { token: ada.accessToken })).status).toBe(204);
});

afterAll(async () => {
  await platform?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const claims = () => ({ sub: ada.user.id, sid: 's', handle: 'ada' });
const signed = (payload: object, options: jwt.SignOptions = {}) =>
  jwt.sign(payload, platform.signingKey.pem, { algorithm: 'RS256', keyid: platform.signingKey.kid, issuer: 'chirp-user', audience: 'chirp-api', ...options });
const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens, verified by the gateway', () => {
  it('when a token is validly signed and current, then it works (the forgeries below differ in one way each)', async () => {
    expect((await api.call('GET', '/v1/users/me', { token: signed(claims(), { expiresIn: 60 }) })).status).toBe(200);
  });

  const forgeries: Array<[string, () => string | Promise<string>]> = [
    ['alg none', () => `${part({ alg: 'none', typ: 'JWT', kid: platform.signingKey.kid })}.${part({ ...claims(), iss: 'chirp-user', aud: 'chirp-api', exp: now() + 60 })}.`],
    ['a token signed with another key', () => jwt.sign(claims(), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, { algorithm: 'RS256', keyid: platform.signingKey.kid, issuer: 'chirp-user', audience: 'chirp-api', expiresIn: 60 })],
    [
      'HS256 with the published public key as the secret',
      async () => {
        const jwks = (await (await fetch(`${platform.services.user.url}/.well-known/jwks.json`)).json()) as { keys: object[] };
        const publicPem = createPublicKey({ key: jwks.keys[0] as never, format: 'jwk' }).export({ format: 'pem', type: 'spki' }).toString();
        const header = part({ alg: 'HS256', typ: 'JWT', kid: platform.signingKey.kid });
        const payload = part({ ...claims(), iss: 'chirp-user', aud: 'chirp-api', exp: now() + 60 });
        const { createHmac } = await import('node:crypto');
        return `${header}.${payload}.${createHmac('sha256', publicPem).update(`${header}.${payload}`).digest('base64url')}`;
      },
    ],
    ['an expired token', () => signed({ ...claims(), exp: now() - 60 })],
    ['a token not yet valid', () => signed({ ...claims(), nbf: now() + 600 }, { expiresIn: 900 })],
    ['the wrong issuer', () => signed(claims(), { issuer: 'evil', expiresIn: 60 })],
    ['the wrong audience', () => signed(claims(), { audience: 'other-api', expiresIn: 60 })],
    ['an unknown kid', () => signed(claims(), { keyid: 'rotated-away', expiresIn: 60 })],
    [
      'a tampered payload',
      () => {
        const [header, , signature] = eve.accessToken.split('.');
        return `${header}.${part({ ...claims(), iss: 'chirp-user', aud: 'chirp-api', exp: now() + 600 })}.${signature}`;
      },
    ],
  ];
  it.each(forgeries)('when the token is %s, then 401 and nothing changes', async (_name, forge) => {
    const token = await forge();
    const deleted = await api.call('DELETE', `/v1/tweets/${adasTweet}`, { token });
    expect([deleted.status, deleted.body.code]).toEqual([401, 'INVALID_TOKEN']);
    expect((await api.call('GET', '/v1/users/me', { token })).status).toBe(401);
    expect((await api.call('GET', `/v1/tweets/${adasTweet}`)).status).toBe(200);
  });
});

describe('acting for another user', () => {
  it("when eve deletes ada's tweet, then 403 NOT_TWEET_AUTHOR and the tweet stays", async () => {
    const answer = await api.call('DELETE', `/v1/tweets/${adasTweet}`, { token: eve.accessToken });
    expect([answer.status, answer.body.code]).toEqual([403, 'NOT_TWEET_AUTHOR']);
    expect((await api.call('GET', `/v1/tweets/${adasTweet}`)).status).toBe(200);
  });

  it("when eve un-likes, then only eve's own like could go: ada's like and the count stay", async () => {
    // The like route names no user; the caller is the token's. Eve has no like, so nothing changes.
    expect((await api.call('DELETE', `/v1/tweets/${adasTweet}/like`, { token: eve.accessToken })).status).toBe(204);
    expect((await api.call('GET', `/v1/tweets/${adasTweet}`, { token: ada.accessToken })).body).toMatchObject({ likeCount: 1, likedByMe: true });
  });

  it('when a body carries authorId, likeCount or another field, then 400 and nothing is created', async () => {
    const before = (await api.call('GET', '/v1/users/eve/tweets')).body.data.length;
    for (const body of [{ text: 'as ada', authorId: ada.user.id }, { text: 'popular', likeCount: 1000 }, { text: 'hi', authorHandle: 'ada' }, { text: 'hi', id: '1' }]) {
      const answer = await api.call('POST', '/v1/tweets', { token: eve.accessToken, body });
      expect([answer.status, answer.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await api.call('PATCH', '/v1/users/me', { token: eve.accessToken, body: { bio: 'x', followersCount: 1e6 } })).status).toBe(400);
    expect((await api.call('GET', '/v1/users/eve/tweets')).body.data.length).toBe(before);
    expect((await api.call('GET', '/v1/users/eve')).body).toMatchObject({ bio: '', followersCount: 0 });
  });

  it('when a body is 1 MiB, then 413 BODY_TOO_LARGE', async () => {
    const answer = await api.call('POST', '/v1/tweets', { token: eve.accessToken, raw: JSON.stringify({ text: 'x'.repeat(1024 * 1024) }) });
    expect([answer.status, answer.body.code]).toEqual([413, 'BODY_TOO_LARGE']);
  });

  it('when the body is not JSON, then 415', async () => {
    const answer = await api.call('POST', '/v1/auth/login', { raw: 'handle=ada&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([answer.status, answer.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });
});

describe('rate limits', () => {
  it('when sign-in attempts pass the budget, then 429 with Retry-After and RateLimit headers, and other routes still answer', async () => {
    const attempt = () => api.call('POST', '/v1/auth/login', { body: { handle: 'ada', password: 'guess' } });
    let answer = await attempt();
    for (let i = 0; i < SIGN_IN_LIMIT && answer.status !== 429; i += 1) answer = await attempt();
    expect(answer.status).toBe(429);
    expect(answer.body.code).toBe('RATE_LIMITED');
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(answer.headers.get('ratelimit-limit')).toBe(String(SIGN_IN_LIMIT));
    expect(answer.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(answer.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    expect((await api.call('GET', '/v1/users/ada')).status).toBe(200);
  });
});

describe('when the timeline service is down', () => {
  it('then home reads answer 503 fast with Retry-After, the rest of the API works, and after it is back the breaker closes', async () => {
    await platform.services.timeline.stop();
    try {
      for (let i = 0; i < 12; i += 1) {
        const answer = await api.call('GET', '/v1/timelines/home', { token: ada.accessToken });
        expect([answer.status, answer.body.code]).toEqual([503, 'DEPENDENCY_UNAVAILABLE']);
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(answer.ms).toBeLessThan(1000);
        expect(JSON.stringify(answer.body)).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED/);
      }
      const metrics = await (await fetch(`${platform.gatewayUrl}/metrics`)).text();
      expect(metrics).toMatch(/chirp_downstream_breaker_open\{downstream="timeline"\} 1/);
      expect((await api.call('GET', `/v1/tweets/${adasTweet}`)).status).toBe(200);
      expect((await api.call('POST', '/v1/tweets', { token: eve.accessToken, body: { text: 'still here' } })).status).toBe(201);
      expect((await api.call('GET', '/v1/users/ada/tweets')).status).toBe(200);
    } finally {
      await platform.services.timeline.start();
    }
    await eventually(async () => (await api.call('GET', '/v1/timelines/home', { token: ada.accessToken })).status === 200, 'home reads succeed again', 15_000);
    const metrics = await (await fetch(`${platform.gatewayUrl}/metrics`)).text();
    expect(metrics).toMatch(/chirp_downstream_breaker_open\{downstream="timeline"\} 0/);
  });
});
