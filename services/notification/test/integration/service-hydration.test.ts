// The tweet and user adapters against the real tweet and user services, as processes on the real stack.
import { createServiceClient, type ServiceClient } from '@chirp/common/service-client';
import { type Platform, startPlatform } from '@chirp/testing/platform';
import { tweetsThrough, usersThrough } from '@chirp/testing/internal-api';
import { afterAll, beforeAll } from 'vitest';
import { createTweetServiceHydrator, createUserServiceLookup } from '../../src/infrastructure/service-hydration.ts';
import { tweetHydratorContract, userLookupContract } from '../contract/service-hydration.contract.ts';

let platform: Platform;
let tweetClient: ServiceClient;
let userClient: ServiceClient;
beforeAll(async () => {
  platform = await startPlatform({ only: ['tweet', 'user'], logLevel: 'warn' });
  tweetClient = createServiceClient({ name: 'tweet', baseUrl: platform.services.tweet.url });
  userClient = createServiceClient({ name: 'user', baseUrl: platform.services.user.url });
});
afterAll(async () => {
  await Promise.all([tweetClient?.close(), userClient?.close()]);
  await platform?.stop();
});

tweetHydratorContract('the tweet service over HTTP', async () => ({ hydrator: createTweetServiceHydrator(tweetClient), ...tweetsThrough(platform.services.tweet.url) }));
userLookupContract('the user service over HTTP', async () => ({ lookup: createUserServiceLookup(userClient), ...usersThrough(platform.services.user.url) }));
