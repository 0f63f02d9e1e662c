import type { Hydrate, TweetView } from './tweet-view.ts';

/** The most ids one batch get takes (one page of a timeline at most). */
export const MAX_BATCH_IDS = 100;

/** Up to MAX_BATCH_IDS tweets in the order asked; deleted and unknown ids are left out (for timeline hydration). */
export function makeGetTweets(deps: { hydrate: Hydrate }) {
  return function getTweets(query: { ids: readonly string[]; viewerId?: string | undefined }): Promise<TweetView[]> {
    return deps.hydrate(query.ids, query.viewerId);
  };
}
