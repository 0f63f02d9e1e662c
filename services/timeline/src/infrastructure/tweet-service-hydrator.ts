import type { ServiceClient } from '@chirp/common/service-client';
import type { HydratedTweet, TweetHydrator } from '../use-cases/ports.ts';

/** One batch call to the tweet service per page; its breaker and timeouts turn an outage into a fast 503. */
export function createTweetServiceHydrator(client: ServiceClient): TweetHydrator {
  return {
    async hydrate(ids, viewerId, requestId) {
      const response = await client.request<{ data: HydratedTweet[] }>({
        method: 'POST',
        path: '/v1/tweets/batch',
        body: { ids, viewerId },
        requestId,
        // A read: safe to retry, though it is a POST.
        idempotent: true,
      });
      if (response.status !== 200) throw new Error(`tweet service batch get answered ${response.status}; check the tweet service's logs`);
      return response.body.data;
    },
  };
}
