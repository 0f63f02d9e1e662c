import type { AddressInfo } from 'node:net';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { DependencyUnavailableError, DomainError } from '@chirp/kernel/errors';
import { createHttpService } from '../../src/http-service.ts';

function anApp(readiness: Record<string, () => Promise<unknown>> = {}): FastifyInstance {
  const app = createHttpService({ service: 'test', logLevel: 'silent', bodyLimitBytes: 1024, readiness, readinessTimeoutMs: 200 });
  app.post(
    '/things',
    { schema: { body: Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false }) } },
    async (request, reply) => reply.code(201).send(request.body),
  );
  app.get(
    '/search',
    { schema: { querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }, { additionalProperties: false }) } },
    async (request) => request.query,
  );
  app.get('/things/:id', async (request) => {
    const { id } = request.params as { id: string };
    if (id === 'missing') throw new DomainError('not_found', 'THING_NOT_FOUND', `No thing ${id}.`);
    if (id === 'down') throw new DependencyUnavailableError('tweet', 'connection refused', { retryAfterSeconds: 7 });
    if (id === 'bug') throw new Error('connection to 10.0.3.7:5432 lost at pg/lib/client.js:123');
    if (id === 'refused') throw Object.assign(new Error('connect ECONNREFUSED 10.0.3.7:5432'), { code: 'ECONNREFUSED' });
    if (id === 'timeout') throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    if (id === 'pool') throw new Error('timeout exceeded when trying to connect');
    if (id === 'conflict') throw Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    return { id };
  });
  return app;
}

let app: FastifyInstance;
afterEach(async () => {
  await app.close();
});

describe('HTTP service shell', () => {
  it('when /healthz is asked, then it answers 200 without checking dependencies', async () => {
    app = anApp({ postgres: () => Promise.reject(new Error('down')) });
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
  });

  it('when every dependency answers, then /readyz is 200 and lists them', async () => {
    app = anApp({ postgres: async () => 1, redis: async () => 'PONG' });
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('when a dependency fails or hangs, then /readyz is 503 naming it', async () => {
    app = anApp({ postgres: async () => 1, redis: () => Promise.reject(new Error('ECONNREFUSED')), sqs: () => new Promise(() => {}) });
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().detail).toMatch(/redis: ECONNREFUSED; sqs: sqs did not answer within 200 ms/);
  });

  it('when draining, then /readyz is 503 even with healthy dependencies', async () => {
    app = anApp({ postgres: async () => 1 });
    app.startDraining();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().code).toBe('SHUTTING_DOWN');
  });

  it('when a request carries x-request-id, then the answer echoes it; else one is made', async () => {
    app = anApp();
    const given = await app.inject({ method: 'GET', url: '/things/1', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await app.inject({ method: 'GET', url: '/things/1' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await app.inject({ method: 'GET', url: '/things/1', headers: { 'x-request-id': 'x\ny'.repeat(100) } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when requests were served, then /metrics has per-route counts and latency histograms and process metrics', async () => {
    app = anApp();
    await app.inject({ method: 'GET', url: '/things/1' });
    await app.inject({ method: 'GET', url: '/things/missing' });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('http_requests_total{method="GET",route="/things/:id",status_code="200"} 1');
    expect(text).toContain('http_requests_total{method="GET",route="/things/:id",status_code="404"} 1');
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/things\/:id",status_code="200"\}/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe('problem+json errors', () => {
  it('when a domain error is thrown, then its kind picks the status and its code is kept', async () => {
    app = anApp();
    const response = await app.inject({ method: 'GET', url: '/things/missing' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 404, code: 'THING_NOT_FOUND', title: 'Not Found', detail: 'No thing missing.' });
  });

  it('when a dependency is unavailable, then 503 with Retry-After', async () => {
    app = anApp();
    const response = await app.inject({ method: 'GET', url: '/things/down' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.json().code).toBe('DEPENDENCY_UNAVAILABLE');
  });

  it.each(['refused', 'timeout', 'pool'])('when the store is %s, then 503 DEPENDENCY_UNAVAILABLE with Retry-After and no host in it', async (id) => {
    app = anApp();
    const response = await app.inject({ method: 'GET', url: `/things/${id}` });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.json().code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(response.body).not.toMatch(/10\.0\.3\.7|5432|statement/);
  });

  it('when a store error means a bug (a constraint the code should have handled), then still 500, not 503', async () => {
    app = anApp();
    const response = await app.inject({ method: 'GET', url: '/things/conflict' });
    expect(response.statusCode).toBe(500);
  });

  it('when the URL is malformed, then a problem+json 400 BAD_URL', async () => {
    app = anApp();
    const response = await app.inject({ method: 'GET', url: '/things/%E0%A4%A' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().code).toBe('BAD_URL');
  });

  it('when an unexpected error is thrown, then 500 with no internals', async () => {
    app = anApp();
    const response = await app.inject({ method: 'GET', url: '/things/bug' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/10\.0\.3\.7|pg\/lib|stack/);
    expect(response.json().code).toBe('INTERNAL');
  });

  it('when the body has an unknown field, then 400 naming it', async () => {
    app = anApp();
    const response = await app.inject({ method: 'POST', url: '/things', payload: { name: 'a', authorId: '1' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(response.json().detail).toContain("unknown field 'authorId'");
  });

  it('when a body field has the wrong JSON type, then 400 rather than a silent coercion', async () => {
    app = anApp();
    const response = await app.inject({ method: 'POST', url: '/things', payload: { name: 123 } });
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toContain('body/name: must be string');
  });

  it('when a query parameter is numeric text, then it is coerced; when out of range or absent, then 400 or the default', async () => {
    app = anApp();
    expect((await app.inject({ method: 'GET', url: '/search?limit=5' })).json()).toEqual({ limit: 5 });
    expect((await app.inject({ method: 'GET', url: '/search' })).json()).toEqual({ limit: 20 });
    const tooMany = await app.inject({ method: 'GET', url: '/search?limit=101' });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().detail).toContain('querystring/limit');
  });

  it('when a required field is missing, then 400 naming it', async () => {
    app = anApp();
    const response = await app.inject({ method: 'POST', url: '/things', payload: {} });
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toContain("missing field 'name'");
  });

  it('when the JSON is malformed, then 400 MALFORMED_JSON', async () => {
    app = anApp();
    const response = await app.inject({ method: 'POST', url: '/things', payload: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('MALFORMED_JSON');
  });

  it('when the body is over the limit, then 413', async () => {
    app = anApp();
    const response = await app.inject({ method: 'POST', url: '/things', payload: { name: 'x'.repeat(4096) } });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('BODY_TOO_LARGE');
  });

  it('when the body is not JSON, then 415', async () => {
    app = anApp();
    const response = await app.inject({ method: 'POST', url: '/things', payload: 'name=a', headers: { 'content-type': 'text/plain' } });
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('when a URL carries an access_token, then the request log has it redacted, other parameters kept', async () => {
    const lines: string[] = [];
    app = createHttpService({ service: 'test', logLevel: 'info', bodyLimitBytes: 1024, logStream: { write: (line: string) => void lines.push(line) } });
    app.get('/stream', async () => ({ ok: true }));
    await app.inject({ method: 'GET', url: '/stream?a=1&access_token=eyJ.secret.sig&b=2' });
    await app.inject({ method: 'GET', url: '/nowhere?access_token=eyJ.other.sig' });
    const logged = lines.map((line) => JSON.parse(line) as { msg: string; url?: string }).filter((line) => line.msg === 'request completed');
    expect(logged.map((line) => line.url)).toEqual(['/stream?a=1&access_token=[redacted]&b=2', '/nowhere?access_token=[redacted]']);
    expect(lines.join('\n')).not.toContain('secret');
    expect(lines.join('\n')).not.toContain('other.sig');
  });

  it('when the route does not exist, then a problem+json 404', async () => {
    app = anApp();
    const response = await app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', instance: '/nope' });
  });
});

describe('graceful shutdown', () => {
  it('when closed with a request in flight, then that request completes and new connections are refused', async () => {
    app = anApp();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived!: () => void;
    const handling = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    app.get('/slow', async () => {
      arrived();
      await gate;
      return { done: true };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
    // Closed once the server has the request (a fixed pause can end first on a busy machine).
    await handling;
    const closing = app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    await closing;
  });
});
