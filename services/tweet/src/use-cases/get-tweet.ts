import { tweetNotFound } from '../domain/tweet-errors.ts';
import type { Hydrate, TweetView } from './tweet-view.ts';

/** One live tweet as a viewer sees it; a deleted or unknown tweet is 404. */
export function makeGetTweet(deps: { hydrate: Hydrate }) {
  return async function getTweet(query: { tweetId: string; viewerId?: string | undefined }): Promise<TweetView> {
    const [tweet] = await deps.hydrate([query.tweetId], query.viewerId);
    if (!tweet) throw tweetNotFound();
    return tweet;
  };
}
