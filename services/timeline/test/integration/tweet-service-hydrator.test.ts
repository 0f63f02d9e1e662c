// The hydrator against the real tweet service (its contract), and against an HTTP server that
// records what it is sent and can be made unreachable.
import { createServiceClient, type ServiceClient } from '@chirp/common/service-client';
import { type Platform, startPlatform } from '@chirp/testing/platform';
import { tweetsThrough } from '@chirp/testing/internal-api';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTweetServiceHydrator } from '../../src/infrastructure/tweet-service-hydrator.ts';
import { tweetHydratorContract } from '../contract/tweet-hydrator.contract.ts';

let server: FastifyInstance;
let baseUrl: string;
let platform: Platform;
let tweetClient: ServiceClient;
const received: unknown[] = [];
beforeAll(async () => {
  server = Fastify();
  server.post('/v1/tweets/batch', async (request) => {
    received.push({ ...(request.body as object), requestId: request.headers['x-request-id'] });
    const { ids } = request.body as { ids: string[] };
    return { data: ids.filter((id) => id !== '2').map((id) => ({ id, text: `tweet ${id}` })) };
  });
  baseUrl = await server.listen({ host: '127.0.0.1', port: 0 });
  platform = await startPlatform({ only: ['tweet'], logLevel: 'warn' });
  tweetClient = createServiceClient({ name: 'tweet', baseUrl: platform.services.tweet.url });
});
afterAll(async () => {
  await server.close();
  await tweetClient?.close();
  await platform?.stop();
});

tweetHydratorContract('the tweet service over HTTP', async () => ({ hydrator: createTweetServiceHydrator(tweetClient), ...tweetsThrough(platform.services.tweet.url) }));

it('when a page is hydrated, then one batch call carries the ids, the viewer and the request id, and the answer comes back as given', async () => {
  const client = createServiceClient({ name: 'tweet', baseUrl });
  const tweets = await createTweetServiceHydrator(client).hydrate(['3', '2', '1'], '42', 'req-42');
  expect(tweets).toEqual([{ id: '3', text: 'tweet 3' }, { id: '1', text: 'tweet 1' }]);
  expect(received).toEqual([{ ids: ['3', '2', '1'], viewerId: '42', requestId: 'req-42' }]);
  await client.close();
});

it('when the tweet service cannot be reached, then DEPENDENCY_UNAVAILABLE (a 503 with Retry-After), not a hang', async () => {
  const client = createServiceClient({ name: 'tweet', baseUrl: 'http://127.0.0.1:1', timeoutMs: 500, retries: 0 });
  const started = performance.now();
  await expect(createTweetServiceHydrator(client).hydrate(['1'], '42')).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
  expect(performance.now() - started).toBeLessThan(2000);
  await client.close();
});
