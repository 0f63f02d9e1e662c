import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '@chirp/kernel/errors';
import { createServiceClient, type ServiceClient } from '../../src/service-client.ts';

// The downstream is a real HTTP server on loopback whose behaviour each test sets.
let downstream: FastifyInstance;
let baseUrl: string;
let calls: Array<{ method: string; url: string; requestId: string | undefined }>;
let behaviour: (attempt: number) => { status: number; body?: unknown; delayMs?: number };
let client: ServiceClient | undefined;

beforeEach(async () => {
  calls = [];
  behaviour = () => ({ status: 200, body: { ok: true } });
  downstream = Fastify();
  downstream.all('/*', async (request, reply) => {
    calls.push({ method: request.method, url: request.url, requestId: request.headers['x-request-id'] as string | undefined });
    const { status, body, delayMs } = behaviour(calls.length);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return reply.code(status).send(body ?? {});
  });
  await downstream.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(downstream.server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await downstream.close();
});

const aClient = (overrides: Partial<Parameters<typeof createServiceClient>[0]> = {}) => {
  client = createServiceClient({ name: 'tweet', baseUrl, timeoutMs: 300, retries: 2, retryBaseDelayMs: 5, ...overrides });
  return client;
};

describe('service client', () => {
  it('when the downstream answers, then status and JSON body come back with the request id passed on', async () => {
    const response = await aClient().request({ method: 'GET', path: '/tweets/1', query: { limit: 5, cursor: undefined }, requestId: 'req-1' });
    expect(response).toMatchObject({ status: 200, body: { ok: true } });
    expect(calls).toEqual([{ method: 'GET', url: '/tweets/1?limit=5', requestId: 'req-1' }]);
  });

  it('when an idempotent call meets a 503, then it is retried until it succeeds', async () => {
    behaviour = (n) => (n < 3 ? { status: 503 } : { status: 200, body: { ok: n } });
    const response = await aClient().request({ method: 'GET', path: '/x' });
    expect(response.body).toEqual({ ok: 3 });
    expect(calls).toHaveLength(3);
  });

  it('when a POST meets a 503, then it is not retried', async () => {
    behaviour = () => ({ status: 503 });
    await expect(aClient().request({ method: 'POST', path: '/x', body: {} })).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(calls).toHaveLength(1);
  });

  it('when the downstream answers 4xx, then the caller gets it and nothing is retried', async () => {
    behaviour = () => ({ status: 404, body: { code: 'TWEET_NOT_FOUND' } });
    const response = await aClient().request({ method: 'GET', path: '/x' });
    expect(response).toMatchObject({ status: 404, body: { code: 'TWEET_NOT_FOUND' } });
    expect(calls).toHaveLength(1);
  });

  it('when a call is answered, then its deadline timer is gone with it, not left to fire', async () => {
    const c = aClient();
    await c.request({ method: 'GET', path: '/warm' }); // the connection, and opossum's own timers, are there from now on
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    await Promise.all(Array.from({ length: 20 }, (_, i) => c.request({ method: 'GET', path: `/x${i}` })));
    // At most as many as before: a timer counted before (a keep-alive, a breaker's bucket) may end meanwhile,
    // which is not the fault; a deadline left running per call would leave twenty more.
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('when the downstream hangs, then the call times out as unavailable instead of hanging', async () => {
    behaviour = () => ({ status: 200, delayMs: 2000 });
    const started = performance.now();
    await expect(aClient({ retries: 0 }).request({ method: 'GET', path: '/slow' })).rejects.toThrow(/tweet is unavailable: .*timed out/);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('when the downstream is not listening, then it is unavailable; the message names no host, its cause does', async () => {
    const port = (downstream.server.address() as AddressInfo).port;
    await downstream.close();
    const c = aClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 0 });
    const error = await c.request({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as Error).message).toBe('tweet is unavailable: could not be reached');
    expect(String((error as Error).cause)).toContain(`127.0.0.1:${port}`);
    expect(String((error as Error).cause)).toContain('ECONNREFUSED');
    downstream = Fastify();
  });

  it('when a downstream answers 500, then the client-facing message says only that, and the body stays in the cause', async () => {
    behaviour = () => ({ status: 500, body: { internal: 'db-7.internal:5432 exploded' } });
    const error = await aClient({ retries: 0 }).request({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('tweet is unavailable: answered 500');
    expect(String((error as Error).cause)).toContain('db-7.internal');
  });

  it('when attempts are made, then each one is reported with its outcome', async () => {
    behaviour = (n) => (n < 2 ? { status: 503 } : { status: 201 });
    const attempts: Array<{ outcome: string; method: string }> = [];
    await aClient({ onAttempt: ({ outcome, method }) => attempts.push({ outcome, method }) }).request({ method: 'PUT', path: '/x' });
    expect(attempts).toEqual([
      { outcome: '503', method: 'PUT' },
      { outcome: '201', method: 'PUT' },
    ]);
  });

  it('when failures pass the threshold, then the breaker opens and fails fast without calling, and closes after recovery', async () => {
    behaviour = () => ({ status: 500 });
    const c = aClient({ retries: 0, breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 200 } });
    for (let i = 0; i < 4; i += 1) await c.request({ method: 'GET', path: '/x' }).catch(() => undefined);
    expect(c.breakerState).toBe('open');
    const before = calls.length;
    const error = await c.request({ method: 'GET', path: '/x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as DependencyUnavailableError).message).toMatch(/circuit breaker open/);
    expect((error as DependencyUnavailableError).retryAfterSeconds).toBe(1);
    expect(calls.length).toBe(before);

    behaviour = () => ({ status: 200, body: { ok: true } });
    await new Promise((resolve) => setTimeout(resolve, 250));
    await expect(c.request({ method: 'GET', path: '/x' })).resolves.toMatchObject({ status: 200 });
    expect(c.breakerState).toBe('closed');
  });

  it('when the breaker is half-open and calls arrive together, then one tries the downstream and the others are 503s, never another error', async () => {
    behaviour = () => ({ status: 500 });
    const c = aClient({ retries: 0, breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 100 } });
    for (let i = 0; i < 2; i += 1) await c.request({ method: 'GET', path: '/x' }).catch(() => undefined);
    expect(c.breakerState).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 150));
    behaviour = () => ({ status: 200, body: { ok: true }, delayMs: 50 });
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () =>
        c.request({ method: 'GET', path: '/x' }).then(
          (response) => String(response.status),
          (error: unknown) => (error instanceof DependencyUnavailableError ? 'unavailable' : `other: ${String(error)}`),
        ),
      ),
    );
    expect(outcomes.sort()).toEqual(['200', 'unavailable', 'unavailable', 'unavailable']);
    expect(c.breakerState).toBe('closed');
  });

  it('when the downstream answers 4xx again and again, then the breaker stays closed', async () => {
    behaviour = () => ({ status: 404, body: { code: 'TWEET_NOT_FOUND' } });
    const c = aClient({ retries: 0, breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 100 } });
    for (let i = 0; i < 5; i += 1) expect((await c.request({ method: 'GET', path: '/x' })).status).toBe(404);
    expect(c.breakerState).toBe('closed');
  });
});
