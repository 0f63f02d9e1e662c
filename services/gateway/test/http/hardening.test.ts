import { DependencyUnavailableError, DomainError } from '@chirp/kernel/errors';
import { type AddressInfo, connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { aGateway, aToken, bearer } from './gateway-harness.ts';

describe('request hardening', () => {
  it('when a body is larger than the limit, then 413 BODY_TOO_LARGE before anything is called', async () => {
    const { app, calls } = await aGateway();
    const response = await app.inject({ method: 'POST', url: '/v1/tweets', headers: { ...bearer(), 'content-type': 'application/json' }, payload: JSON.stringify({ text: 'x'.repeat(1024 * 1024) }) });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('BODY_TOO_LARGE');
    expect(calls).toEqual([]);
  });

  it('when the body is not JSON, then 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const { app, calls } = await aGateway();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': type }, payload: 'handle=ada&password=x' });
      expect([type, response.statusCode, response.json().code]).toEqual([type, 415, 'UNSUPPORTED_MEDIA_TYPE']);
    }
    expect(calls).toEqual([]);
  });

  it('when the JSON is malformed, then 400 MALFORMED_JSON with no parser details', async () => {
    const { app } = await aGateway();
    const response = await app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"handle": ' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'MALFORMED_JSON', detail: 'The body is not valid JSON.' });
  });

  it('when a field is unknown or of the wrong type, then 400 VALIDATION_FAILED naming it', async () => {
    const { app } = await aGateway();
    const unknown = await app.inject({ method: 'POST', url: '/v1/auth/register', payload: { handle: 'ada', password: 'password1', admin: true } });
    expect(unknown.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'body', message: "unknown field 'admin'" }] });
    const wrongType = await app.inject({ method: 'PATCH', url: '/v1/users/me', headers: bearer(), payload: { bio: 5 } });
    expect(wrongType.statusCode).toBe(400);
  });

  it('when a path or query parameter is malformed, then 400 and nothing is called', async () => {
    const { app, calls } = await aGateway();
    for (const url of ['/v1/tweets/abc', '/v1/tweets/1.5/replies', '/v1/search/tweets', '/v1/search/users?q=', '/v1/users/ada/followers?limit=0', '/v1/users/ada/followers?limit=101']) {
      const response = await app.inject({ url });
      expect([url, response.statusCode]).toEqual([url, 400]);
    }
    expect(calls).toEqual([]);
  });

  it('when a handle cannot exist, then 404 USER_NOT_FOUND, and no such text reaches a downstream path', async () => {
    const { app, calls } = await aGateway();
    for (const url of ['/v1/users/..%2F..%2Fsessions', '/v1/users/a%2Fb/tweets', '/v1/users/ab', '/v1/users/sixteen_chars_xx/followers']) {
      const response = await app.inject({ url });
      expect([url, response.statusCode, response.json().code]).toEqual([url, 404, 'USER_NOT_FOUND']);
    }
    const follow = await app.inject({ method: 'PUT', url: '/v1/users/me/following/a.b', headers: bearer() });
    expect([follow.statusCode, follow.json().code]).toEqual([404, 'USER_NOT_FOUND']);
    expect(calls).toEqual([]);
  });

  it('when a known path is called with a method it does not serve, then 405 METHOD_NOT_ALLOWED with Allow listing the ones it does', async () => {
    const { app, calls } = await aGateway();
    const cases: Array<[string, string, string]> = [
      ['POST', '/v1/users/me', 'GET, HEAD, PATCH'],
      ['TRACE', '/v1/users/me', 'GET, HEAD, PATCH'],
      ['DELETE', '/v1/auth/register', 'POST'],
      ['PATCH', '/v1/tweets/2001/like', 'DELETE, PUT'],
      ['POST', '/v1/users/ada', 'GET, HEAD'],
    ];
    for (const [method, url, allow] of cases) {
      const response = await app.inject({ method: method as 'GET', url, headers: bearer() });
      expect([method, url, response.statusCode, response.headers.allow, response.json().code]).toEqual([method, url, 405, allow, 'METHOD_NOT_ALLOWED']);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const unknown = await app.inject({ url: '/v1/nothing/here' });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'ROUTE_NOT_FOUND']);
    expect(calls).toEqual([]);
  });

  it('when a method that carries a body (QUERY, POST) is refused, then 405 or 404 comes before anything about the body', async () => {
    const { app, calls } = await aGateway();
    // QUERY without Content-Type was 415 (Fastify refuses it while parsing), and with a JSON body 400 UNEXPECTED_BODY.
    const cases: Array<[string, string, Record<string, string>, string | undefined, number, string]> = [
      ['QUERY', '/v1/users/me', {}, undefined, 405, 'METHOD_NOT_ALLOWED'],
      ['QUERY', '/v1/auth/login', { 'content-type': 'application/json' }, '{}', 405, 'METHOD_NOT_ALLOWED'],
      ['QUERY', '/healthz', { 'content-type': 'text/plain' }, 'x', 405, 'METHOD_NOT_ALLOWED'],
      ['POST', '/v1/users/ada', { 'content-type': 'application/json' }, '{"not": "json', 405, 'METHOD_NOT_ALLOWED'],
      ['QUERY', '/v1/nothing/here', {}, undefined, 404, 'ROUTE_NOT_FOUND'],
    ];
    for (const [method, url, headers, payload, status, code] of cases) {
      const response = await app.inject({ method: method as 'GET', url, headers: { ...bearer(), ...headers }, ...(payload === undefined ? {} : { payload }) });
      expect([method, url, response.statusCode, response.json().code]).toEqual([method, url, status, code]);
      expect(response.headers['x-request-id']).toBeDefined();
    }
    expect(calls).toEqual([]);
  });

  it('when a path segment is longer than any route accepts, then 414 URI_TOO_LONG whose detail does not echo the segment', async () => {
    const { app } = await aGateway();
    const response = await app.inject({ url: `/v1/tweets/${'1'.repeat(150)}/replies` });
    expect([response.statusCode, response.json().code]).toEqual([414, 'URI_TOO_LONG']);
    expect(response.json().detail).not.toContain('1'.repeat(150));
  });

  it('when the headers are larger than the server reads, then 431 HEADERS_TOO_LARGE as problem+json, on a real socket', async () => {
    const { app } = await aGateway();
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = app.server.address() as AddressInfo;
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(`GET /v1/users/ada HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
      });
      const [head = '', body = ''] = raw.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 431 /);
      expect(head.toLowerCase()).toContain('content-type: application/problem+json');
      expect(JSON.parse(body)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
    } finally {
      await app.close();
    }
  });

  it('when a route that takes no body gets one, then 400 UNEXPECTED_BODY and nothing changes', async () => {
    const { app, calls } = await aGateway();
    const response = await app.inject({ method: 'DELETE', url: '/v1/tweets/2001', headers: bearer(), payload: { as: 'someone else' } });
    expect([response.statusCode, response.json().code]).toEqual([400, 'UNEXPECTED_BODY']);
    expect(calls).toEqual([]);
  });

  it('when limit is left out, then the page has 20 items by default', async () => {
    const { app, calls } = await aGateway();
    await app.inject({ url: '/v1/users/ada/followers' });
    expect(calls[0]!.args[2]).toEqual({ limit: 20, cursor: undefined });
  });

  it('when a downstream is unavailable, then 503 DEPENDENCY_UNAVAILABLE with Retry-After, naming no host', async () => {
    const down = () => {
      throw new DependencyUnavailableError('timeline', 'could not be reached', { retryAfterSeconds: 5 });
    };
    const { app } = await aGateway({ answers: { 'timelines.readHome': down } });
    const response = await app.inject({ url: '/v1/timelines/home', headers: bearer() });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', detail: 'timeline is unavailable: could not be reached' });
  });

  it('when a downstream answers a problem, then the client gets the same status and code', async () => {
    const taken = () => {
      throw new DomainError('conflict', 'HANDLE_TAKEN', 'That handle is taken.');
    };
    const { app } = await aGateway({ answers: { 'users.register': taken } });
    const response = await app.inject({ method: 'POST', url: '/v1/auth/register', payload: { handle: 'ada', password: 'password1' } });
    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'HANDLE_TAKEN', detail: 'That handle is taken.', instance: '/v1/auth/register' });
  });

  it('when something unexpected breaks, then 500 with a generic detail: no message, stack or host leaks', async () => {
    const broken = () => {
      throw new Error('connect ECONNREFUSED 10.0.3.7:5432 at pg-pool.internal');
    };
    const { app } = await aGateway({ answers: { 'tweets.get': broken } });
    const response = await app.inject({ url: '/v1/tweets/2001' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ code: 'INTERNAL' });
    expect(response.body).not.toMatch(/10\.0\.3\.7|pg-pool|ECONNREFUSED|\.ts:/);
  });

  it('when any answer goes out, then it carries the security headers', async () => {
    const { app } = await aGateway();
    const response = await app.inject({ url: '/v1/users/ada' });
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'strict-transport-security': expect.stringContaining('max-age='),
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'SAMEORIGIN',
    });
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('when a probe or the docs page goes out, then it carries them too, the docs with their own policy in place of the API\'s', async () => {
    const { app } = await aGateway();
    const probe = await app.inject({ url: '/healthz' });
    expect(probe.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' });
    expect(probe.headers['content-security-policy']).toContain("default-src 'none'");
    const docs = await app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    expect(docs.headers['content-security-policy']).toContain("default-src 'self'");
    expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
  });
});

describe('CORS', () => {
  const origin = 'https://app.chirp.dev';

  it('when the origin is allowed, then the preflight and the answer allow it, exposing the rate-limit headers', async () => {
    const { app } = await aGateway({ config: { CORS_ALLOWED_ORIGINS: `${origin},https://m.chirp.dev` } });
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/tweets',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('idempotency-key');
    const answer = await app.inject({ url: '/v1/users/ada', headers: { origin } });
    expect(answer.headers['access-control-allow-origin']).toBe(origin);
    expect(String(answer.headers['access-control-expose-headers'])).toContain('ratelimit-remaining');
  });

  it('when the origin is not on the list, then no CORS header allows it', async () => {
    const { app } = await aGateway({ config: { CORS_ALLOWED_ORIGINS: origin } });
    const answer = await app.inject({ url: '/v1/users/ada', headers: { origin: 'https://evil.example' } });
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limits', () => {
  it('when a client passes its budget, then 429 RATE_LIMITED with Retry-After and RateLimit headers, and nothing is called', async () => {
    const { app, calls } = await aGateway({ rateLimits: { anonymous: 2 } });
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await app.inject({ url: '/v1/tweets/2001' }));
    expect(answers.map((a) => [a.statusCode, a.headers['ratelimit-remaining']])).toEqual([
      [200, '1'],
      [200, '0'],
      [429, '0'],
    ]);
    const refused = answers[2]!;
    expect(refused.json().code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-policy': '2;w=60' });
    expect(calls).toHaveLength(2);
  });

  it('when signed in, then the budget is per user: another user from the same address is not affected', async () => {
    const { app } = await aGateway({ rateLimits: { authenticated: 1 } });
    const as = (sub: string) => app.inject({ url: '/v1/timelines/home', headers: bearer(aToken({ sub })) });
    expect((await as('1')).statusCode).toBe(200);
    expect((await as('1')).statusCode).toBe(429);
    expect((await as('2')).statusCode).toBe(200);
  });

  it('when signing in, then the stricter sign-in budget applies per address, token or not', async () => {
    const { app } = await aGateway({ rateLimits: { signIn: 2 } });
    const login = () => app.inject({ method: 'POST', url: '/v1/auth/login', headers: bearer(aToken({ sub: String(Math.random()) })), payload: { handle: 'ada', password: 'x' } });
    expect([(await login()).statusCode, (await login()).statusCode, (await login()).statusCode]).toEqual([200, 200, 429]);
    expect((await app.inject({ url: '/v1/users/ada' })).statusCode).toBe(200);
  });

  it('when posting, then the posting budget is separate from reading', async () => {
    const { app } = await aGateway({ rateLimits: { post: 1 } });
    const post = () => app.inject({ method: 'POST', url: '/v1/tweets', headers: bearer(), payload: { text: 'hi' } });
    expect((await post()).statusCode).toBe(201);
    const refused = await post();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['ratelimit-policy']).toBe('1;w=60');
    expect((await app.inject({ url: '/v1/timelines/home', headers: bearer() })).statusCode).toBe(200);
  });

  it('when behind a trusted proxy, then the client address comes from X-Forwarded-For', async () => {
    const { app } = await aGateway({ rateLimits: { anonymous: 1 }, config: { TRUST_PROXY_HOPS: 1 } });
    const from = (ip: string) => app.inject({ url: '/v1/users/ada', headers: { 'x-forwarded-for': ip } });
    expect((await from('198.51.100.1')).statusCode).toBe(200);
    expect((await from('198.51.100.1')).statusCode).toBe(429);
    expect((await from('198.51.100.2')).statusCode).toBe(200);
  });

  it('when no proxy is trusted, then X-Forwarded-For cannot dodge the limit', async () => {
    const { app } = await aGateway({ rateLimits: { anonymous: 1 } });
    expect((await app.inject({ url: '/v1/users/ada', headers: { 'x-forwarded-for': '198.51.100.1' } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/users/ada', headers: { 'x-forwarded-for': '198.51.100.2' } })).statusCode).toBe(429);
  });

  it('when the limiter itself throws, then the request passes rather than failing', async () => {
    const { app } = await aGateway({ rateLimiter: { consume: () => Promise.reject(new Error('Connection is closed.')) } });
    const response = await app.inject({ url: '/v1/users/ada' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['ratelimit-limit']).toBeUndefined();
  });

  it('when refreshing, then the session budget applies, not the sign-in one', async () => {
    const { app } = await aGateway({ rateLimits: { signIn: 1, session: 3 } });
    const refresh = () => app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: 'r' } });
    expect([(await refresh()).statusCode, (await refresh()).statusCode, (await refresh()).statusCode, (await refresh()).statusCode]).toEqual([200, 200, 200, 429]);
    expect((await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { handle: 'ada', password: 'x' } })).statusCode).toBe(200);
  });

  it('when probes are called, then they are never limited', async () => {
    const { app } = await aGateway({ rateLimits: { anonymous: 1 } });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await app.inject({ url: '/healthz' })).statusCode);
    expect(statuses).toEqual([200, 200, 200]);
  });
});
