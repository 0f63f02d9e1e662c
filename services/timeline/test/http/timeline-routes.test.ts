import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { aTimelineService } from '../fakes/fake-ports.ts';

const config = { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: 8192 };
interface Page {
  data: { id: string }[];
  nextCursor: string | null;
}

describe('timeline routes', () => {
  it('when a reader’s home timeline is asked, then a page of hydrated tweets, newest first, with a cursor', async () => {
    const service = aTimelineService();
    for (const id of ['7000000000000000001', '7000000000000000002', '7000000000000000003']) {
      service.ports.tweets.known.add(id);
      await service.fanOut({ tweetId: id, authorId: '5', createdAt: '2026-03-01T12:00:00.000Z' });
    }
    const app = buildApp({ config, readiness: { cassandra: async () => 'ok' }, useCases: service });
    const first = await app.inject({ method: 'GET', url: '/v1/users/5/home?limit=2' });
    expect(first.statusCode).toBe(200);
    const page = first.json<Page>();
    expect(page.data.map((t) => t.id)).toEqual(['7000000000000000003', '7000000000000000002']);
    const second = await app.inject({ method: 'GET', url: `/v1/users/5/home?limit=2&cursor=${page.nextCursor}` });
    expect(second.json<Page>()).toEqual({ data: [{ id: '7000000000000000001', text: 'tweet 7000000000000000001', viewer: '5' }], nextCursor: null });
    await app.close();
  });

  it('when the gateway names its request, then the call to the tweet service carries the same request id', async () => {
    const service = aTimelineService();
    service.ports.tweets.known.add('7000000000000000001');
    await service.fanOut({ tweetId: '7000000000000000001', authorId: '5', createdAt: '2026-03-01T12:00:00.000Z' });
    const app = buildApp({ config, readiness: { cassandra: async () => 'ok' }, useCases: service });
    const answer = await app.inject({ method: 'GET', url: '/v1/users/5/home', headers: { 'x-request-id': 'req-home-1' } });
    expect(answer.statusCode).toBe(200);
    expect(service.ports.tweets.requestIds).toEqual(['req-home-1']);
    await app.close();
  });

  it.each([
    ['/v1/users/abc/home', 'VALIDATION_FAILED'],
    ['/v1/users/5/home?limit=0', 'VALIDATION_FAILED'],
    ['/v1/users/5/home?limit=101', 'VALIDATION_FAILED'],
    ['/v1/users/5/home?cursor=%%%', 'INVALID_CURSOR'],
    ['/v1/users/5/home?other=1', 'VALIDATION_FAILED'],
  ])('when %s, then 400 %s', async (url, code) => {
    const app = buildApp({ config, readiness: { cassandra: async () => 'ok' }, useCases: aTimelineService() });
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ code: string }>().code).toBe(code);
    await app.close();
  });

  it('when the process is a consumer only, then it serves health, readiness and metrics but no timeline route', async () => {
    const app = buildApp({ config, readiness: { cassandra: () => Promise.reject(new Error('no hosts available')) } });
    expect((await app.inject({ method: 'GET', url: '/v1/users/5/home' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect([ready.statusCode, ready.json<{ detail: string }>().detail]).toEqual([503, expect.stringContaining('cassandra: no hosts available')]);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    await app.close();
  });
});
