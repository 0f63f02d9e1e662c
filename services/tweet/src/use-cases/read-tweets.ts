import { decodeIdCursor, type Page, toPage } from '@chirp/common/pagination';
import { parseSearchQuery } from '../domain/tweet.ts';
import { tweetNotFound } from '../domain/tweet-errors.ts';
import type { TweetReader } from './ports.ts';
import type { Hydrate, TweetView } from './tweet-view.ts';

/** The most ids one batch get takes (one page of a timeline at most). */
export const MAX_BATCH_IDS = 100;

export interface ListQuery {
  limit: number;
  cursor?: string | undefined;
  viewerId?: string | undefined;
}

/**
 * A page from a keyset query of ids (fetched with one extra to know whether more follow),
 * hydrated. The cursor is the last id the query gave, so a tweet deleted between the two
 * steps shortens this page but never shifts the next one.
 */
async function pageOf(ids: string[], query: ListQuery, hydrate: Hydrate): Promise<Page<TweetView>> {
  const page = toPage(ids, query.limit, (id) => [id], (id) => id);
  return { data: await hydrate(page.data, query.viewerId), nextCursor: page.nextCursor };
}

export function makeReadTweets(deps: { tweets: TweetReader; hydrate: Hydrate }) {
  const { tweets, hydrate } = deps;
  const getLive = async (tweetId: string, viewerId?: string): Promise<TweetView> => {
    const [tweet] = await hydrate([tweetId], viewerId);
    if (!tweet) throw tweetNotFound();
    return tweet;
  };
  return {
    getTweet: (query: { tweetId: string; viewerId?: string | undefined }) => getLive(query.tweetId, query.viewerId),

    /** Up to MAX_BATCH_IDS tweets in the order asked; deleted and unknown ids are left out (for timeline hydration). */
    getTweets: (query: { ids: readonly string[]; viewerId?: string | undefined }) => hydrate(query.ids, query.viewerId),

    /** An author's tweets, replies included, newest first (the user timeline). */
    async listAuthorTweets(query: ListQuery & { authorId: string }): Promise<Page<TweetView>> {
      return pageOf(await tweets.listByAuthor(query.authorId, decodeIdCursor(query.cursor), query.limit + 1), query, hydrate);
    },

    /** A live tweet's live replies, oldest first; a deleted or unknown tweet is 404. */
    async listReplies(query: ListQuery & { tweetId: string }): Promise<Page<TweetView>> {
      const ids = await tweets.listReplies(query.tweetId, decodeIdCursor(query.cursor), query.limit + 1);
      const page = toPage(ids, query.limit, (id) => [id], (id) => id);
      // The parent is hydrated with the page, in one cache read: its presence says it is live.
      const [parent, ...replies] = await hydrate([query.tweetId, ...page.data], query.viewerId);
      if (parent?.id !== query.tweetId) throw tweetNotFound();
      return { data: replies, nextCursor: page.nextCursor };
    },

    /** Live tweets with every word (whole, any case) and every #hashtag of `q`, newest first. */
    async searchTweets(query: ListQuery & { q: string }): Promise<Page<TweetView>> {
      const parsed = parseSearchQuery(query.q);
      return pageOf(await tweets.search(parsed, decodeIdCursor(query.cursor), query.limit + 1), query, hydrate);
    },
  };
}
