import { decodeIdCursor, type Page, toPage } from '@chirp/kernel/pagination';
import { tweetNotFound } from '../domain/tweet-errors.ts';
import type { TweetReader } from './ports.ts';
import type { Hydrate, ListQuery, TweetView } from './tweet-view.ts';

/** A live tweet's live replies, oldest first; a deleted or unknown tweet is 404. */
export function makeListReplies(deps: { tweets: TweetReader; hydrate: Hydrate }) {
  return async function listReplies(query: ListQuery & { tweetId: string }): Promise<Page<TweetView>> {
    const found = await deps.tweets.listReplies(query.tweetId, decodeIdCursor(query.cursor), query.limit + 1, query.viewerId);
    const page = toPage(found.ids, query.limit, (id) => [id], (id) => id);
    // The parent is hydrated with the page, in one cache read: its presence says it is live (its
    // likedByMe, which the list's likes do not cover, is not shown).
    const [parent, ...replies] = await deps.hydrate([query.tweetId, ...page.data], query.viewerId, found.likedByViewer);
    if (parent?.id !== query.tweetId) throw tweetNotFound();
    return { data: replies, nextCursor: page.nextCursor };
  };
}
