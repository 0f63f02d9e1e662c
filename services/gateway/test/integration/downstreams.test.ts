// The gateway's downstream adapters (its HTTP clients) against the real user, tweet (with media), timeline and
// notification services, as processes on the real stack: the same suite the in-memory stand-ins pass.
import { createServiceClient, type ServiceClient } from '@chirp/common/service-client';
import { type Platform, startPlatform } from '@chirp/testing/platform';
import { afterAll, beforeAll } from 'vitest';
import { createHttpMediaService } from '../../src/infrastructure/http-media-service.ts';
import { createHttpMergedAuthors, createHttpNotificationService } from '../../src/infrastructure/http-notification-service.ts';
import { createHttpTimelineService } from '../../src/infrastructure/http-timeline-service.ts';
import { createHttpTweetService } from '../../src/infrastructure/http-tweet-service.ts';
import { createHttpUserService } from '../../src/infrastructure/http-user-service.ts';
import { downstreamsContract } from '../contract/downstreams.contract.ts';

const HIGH_FOLLOWER_THRESHOLD = 2;
let platform: Platform;
const clients: ServiceClient[] = [];
const clientOf = (name: 'user' | 'tweet' | 'timeline' | 'notification') => {
  const client = createServiceClient({ name, baseUrl: platform.services[name].url });
  clients.push(client);
  return client;
};

beforeAll(async () => {
  platform = await startPlatform({
    only: ['user', 'tweet', 'timeline', 'notification'],
    logLevel: 'warn',
    serviceEnv: { timeline: { HIGH_FOLLOWER_THRESHOLD: String(HIGH_FOLLOWER_THRESHOLD), HIGH_FOLLOWER_REFRESH_MS: '100' } },
  });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await platform?.stop();
});

downstreamsContract('the HTTP clients and the real services', async () => {
  const [timeline, tweet] = [clientOf('timeline'), clientOf('tweet')];
  return {
    users: createHttpUserService(clientOf('user')),
    tweets: createHttpTweetService(tweet),
    media: createHttpMediaService(tweet),
    timelines: createHttpTimelineService(timeline),
    notifications: createHttpNotificationService(clientOf('notification')),
    mergedAuthors: createHttpMergedAuthors(timeline),
    highFollowerThreshold: HIGH_FOLLOWER_THRESHOLD,
  };
});
