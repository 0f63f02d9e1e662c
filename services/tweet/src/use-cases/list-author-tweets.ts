import { decodeIdCursor, type Page } from '@chirp/kernel/pagination';
import type { TweetReader } from './ports.ts';
import { type Hydrate, hydratedPage, type ListQuery, type TweetView } from './tweet-view.ts';

/** An author's tweets, replies included, newest first (the user timeline). */
export function makeListAuthorTweets(deps: { tweets: TweetReader; hydrate: Hydrate }) {
  return async function listAuthorTweets(query: ListQuery & { authorId: string }): Promise<Page<TweetView>> {
    return hydratedPage(await deps.tweets.listByAuthor(query.authorId, decodeIdCursor(query.cursor), query.limit + 1, query.viewerId), query, deps.hydrate);
  };
}
