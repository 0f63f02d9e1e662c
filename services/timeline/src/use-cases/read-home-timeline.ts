import { isValidId } from '@chirp/common/ids';
import { decodeCursor, encodeCursor, type Page } from '@chirp/common/pagination';
import { mergeNewest, TIMELINE_DEPTH } from '../domain/timeline.ts';
import type { FollowGraph, HighFollowerAuthors, HydratedTweet, TimelineCache, TimelineStore, TweetHydrator } from './ports.ts';

export interface HomeTimelineQuery {
  readerId: string;
  limit: number;
  cursor?: string | undefined;
}

/**
 * A page of the reader's home timeline, newest first: their stored timeline (from Redis,
 * rebuilt from Cassandra when absent) merged with the recent tweets of the high-follower
 * authors they follow, then hydrated in one batch call. The cursor is the last id of the
 * merge, so tweets deleted meanwhile shorten a page but never shift the next.
 */
export function makeReadHomeTimeline(deps: {
  graph: FollowGraph;
  store: TimelineStore;
  cache: TimelineCache;
  highFollowers: HighFollowerAuthors;
  tweets: TweetHydrator;
}) {
  /** The reader's own stored timeline; identical whether it comes from Redis or Cassandra. */
  async function stored(readerId: string, before: string | undefined, limit: number): Promise<string[]> {
    const cached = await deps.cache.read(readerId, before, limit);
    if (cached) return cached;
    await deps.cache.rebuild(readerId, () => deps.store.readTimeline(readerId, undefined, TIMELINE_DEPTH));
    return deps.store.readTimeline(readerId, before, limit);
  }

  return async function readHomeTimeline(query: HomeTimelineQuery): Promise<Page<HydratedTweet>> {
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 1, isValidId)[0];
    const wanted = query.limit + 1;
    const [own, merged] = await Promise.all([
      stored(query.readerId, before, wanted),
      deps.graph
        .following(query.readerId)
        .then((followees) => deps.highFollowers.among(followees))
        .then((authors) => Promise.all(authors.map((authorId) => deps.store.authorTweets(authorId, before, wanted)))),
    ]);
    const ids = mergeNewest([own, ...merged], wanted);
    const shown = ids.slice(0, query.limit);
    const last = shown.at(-1);
    return {
      data: shown.length === 0 ? [] : await deps.tweets.hydrate(shown, query.readerId),
      nextCursor: ids.length > query.limit && last !== undefined ? encodeCursor([last]) : null,
    };
  };
}
