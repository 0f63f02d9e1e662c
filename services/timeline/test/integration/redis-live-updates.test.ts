// The Redis live updates against a real subscriber on the channels the gateway replicas listen
// to, hydrating through the real tweet service.
import { randomUUID } from 'node:crypto';
import { redisRetryStrategy } from '@chirp/common/dependencies';
import { createLogger } from '@chirp/common/logging';
import { createServiceClient, type ServiceClient } from '@chirp/common/service-client';
import { createStreamPublisher, parseStreamMessage, streamChannels } from '@chirp/common/stream-channels';
import { eventually } from '@chirp/testing/eventually';
import { tweetsThrough } from '@chirp/testing/internal-api';
import { freePort, type Platform, startPlatform } from '@chirp/testing/platform';
import { createStreamListener, stackEnv } from '@chirp/testing/stack';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisLiveUpdates } from '../../src/infrastructure/redis-live-updates.ts';
import { liveUpdatesContract } from '../contract/live-updates.contract.ts';

const log = createLogger('test', 'silent');
let platform: Platform;
let tweetClient: ServiceClient;
const unreachable: Redis[] = [];
beforeAll(async () => {
  platform = await startPlatform({ only: ['tweet'], logLevel: 'warn' });
  tweetClient = createServiceClient({ name: 'tweet', baseUrl: platform.services.tweet.url });
});
afterAll(async () => {
  for (const connection of unreachable) connection.disconnect();
  await tweetClient?.close();
  await platform?.stop();
});

/** A stream message as the gateway reads it, as the suite's line (`update 7 <tweet>`, `listen 7 author:9`), or undefined when the gateway could not use it. */
const lineOf = (target: string, text: string): string | undefined => {
  const message = parseStreamMessage(text);
  if (!message) return undefined;
  if ('control' in message) return `${message.following ? 'listen' : 'unlisten'} ${target} author:${message.authorId}`;
  const id = (message.data as { id?: unknown }).id;
  return typeof id === 'string' && message.event !== 'notification' ? `${message.event} ${target} ${id}` : undefined;
};

liveUpdatesContract('Redis, heard by a subscriber as the gateway listens', {
  async open(online) {
    const channels = streamChannels(`test:${randomUUID()}:`);
    const publisher = new Redis(stackEnv().REDIS_URL);
    const targets = new Map(online.map((target) => [target.startsWith('author:') ? channels.author(target.slice('author:'.length)) : channels.user(target), target]));
    const listener = await createStreamListener([...targets.keys()], (channel, text) => lineOf(targets.get(channel) ?? channel, text));
    return {
      live: createRedisLiveUpdates({ publisher: createStreamPublisher(publisher), channels, tweets: tweetClient, registry: new Registry(), log }),
      heard: listener.heard,
      close: async () => {
        publisher.disconnect();
        listener.close();
      },
    };
  },
  // The stream Redis settings of the timeline's main.ts, on a port nobody listens on.
  async unreachable() {
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: 1, commandTimeout: 1000, retryStrategy: redisRetryStrategy });
    redis.on('error', () => undefined);
    unreachable.push(redis);
    return createRedisLiveUpdates({ publisher: createStreamPublisher(redis), channels: streamChannels(`test:${randomUUID()}:`), tweets: tweetClient, registry: new Registry(), log });
  },
  post: (authorId, text) => tweetsThrough(platform.services.tweet.url).post(authorId, text),
});

it('when the tweet service cannot be reached, then an update for an online reader resolves unannounced, and the failure is counted', async () => {
  const channels = streamChannels(`test:${randomUUID()}:`);
  const publisher = new Redis(stackEnv().REDIS_URL);
  const listener = await createStreamListener([channels.user('81')], (_channel, text) => lineOf('81', text));
  const tweets = createServiceClient({ name: 'tweet', baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 500, retries: 0 });
  const registry = new Registry();
  try {
    const live = createRedisLiveUpdates({ publisher: createStreamPublisher(publisher), channels, tweets, registry, log });
    await live.entered(['81'], '900000000000000001', new Date().toISOString());
    // Published after it on the same channel: once this is heard, an announcement of the update would have been.
    await live.left(['81'], '900000000000000001');
    await eventually(() => listener.heard().length > 0, 'the delete after the update', 5000);
    expect(listener.heard()).toEqual(['delete 81 900000000000000001']);
    expect((await registry.getSingleMetric('chirp_timeline_live_update_failures_total')?.get())?.values[0]?.value).toBe(1);
  } finally {
    publisher.disconnect();
    listener.close();
    await tweets.close();
  }
});
