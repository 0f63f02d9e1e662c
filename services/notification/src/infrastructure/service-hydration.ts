import type { TweetJson } from '@chirp/kernel/api-v1';
import type { ServiceClient } from '@chirp/common/service-client';
import type { ActorProfile, TweetHydrator, UserLookup } from '../use-cases/ports.ts';

async function batch<T>(client: ServiceClient, path: string, body: unknown, what: string): Promise<T[]> {
  // Reads: safe to retry, though they are POSTs.
  const response = await client.request<{ data: T[] }>({ method: 'POST', path, body, idempotent: true });
  if (response.status !== 200) throw new Error(`${what} answered ${response.status}; check its logs`);
  return response.body.data;
}

/** One batch call to the tweet service per page (with the viewer, for likedByMe); its breaker turns an outage into a fast 503. */
export const createTweetServiceHydrator = (client: ServiceClient): TweetHydrator => ({
  hydrate: (ids, viewerId) => batch<TweetJson>(client, '/v1/tweets/batch', { ids, viewerId }, 'tweet service batch get'),
});

/** Users the directory has not heard of yet, from the user service's batch get. */
export const createUserServiceLookup = (client: ServiceClient): UserLookup => ({
  findByIds: async (ids) =>
    (await batch<ActorProfile>(client, '/v1/users/batch', { ids }, 'user service batch get')).map(({ id, handle, displayName, avatarUrl }) => ({
      id,
      handle,
      displayName,
      avatarUrl: avatarUrl ?? null,
    })),
});
