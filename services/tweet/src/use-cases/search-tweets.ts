import { decodeIdCursor, type Page } from '@chirp/kernel/pagination';
import { parseSearchQuery } from '../domain/tweet.ts';
import type { TweetReader } from './ports.ts';
import { type Hydrate, hydratedPage, type ListQuery, type TweetView } from './tweet-view.ts';

/** Live tweets with every word (whole, any case) and every #hashtag of `q`, newest first. */
export function makeSearchTweets(deps: { tweets: TweetReader; hydrate: Hydrate }) {
  return async function searchTweets(query: ListQuery & { q: string }): Promise<Page<TweetView>> {
    const parsed = parseSearchQuery(query.q);
    return hydratedPage(await deps.tweets.search(parsed, decodeIdCursor(query.cursor), query.limit + 1, query.viewerId), query, deps.hydrate);
  };
}
