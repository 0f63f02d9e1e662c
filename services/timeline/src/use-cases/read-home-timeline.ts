import { decodeIdCursor, type Page, toPage } from '@chirp/common/pagination';
import { isBefore, mergeNewest } from '../domain/timeline.ts';
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
  /**
   * The reader's own stored timeline; identical whether it comes from Redis or Cassandra. A miss
   * reads Cassandra once: the rows that rebuild the entry also answer this page.
   */
  async function stored(readerId: string, before: string | undefined, limit: number): Promise<string[]> {
    const cached = await deps.cache.read(readerId, before, limit);
    if (cached) return cached;
    const loadAll = () => deps.store.readTimeline(readerId);
    let all: string[] | undefined;
    await deps.cache.rebuild(readerId, async () => (all = await loadAll()));
    all ??= await loadAll(); // another process holds the rebuild, or Redis is down
    return all.filter((id) => isBefore(id, before)).slice(0, limit);
  }

  return async function readHomeTimeline(query: HomeTimelineQuery): Promise<Page<HydratedTweet>> {
    const before = decodeIdCursor(query.cursor);
    const wanted = query.limit + 1;
    const [own, merged] = await Promise.all([
      stored(query.readerId, before, wanted),
      deps.graph
        .following(query.readerId)
        .then((followees) => deps.highFollowers.among(followees))
        .then((authors) => Promise.all(authors.map((authorId) => deps.store.authorTweets(authorId, before, wanted)))),
    ]);
    const page = toPage(mergeNewest([own, ...merged], wanted), query.limit, (id) => [id], (id) => id);
    return {
      data: page.data.length === 0 ? [] : await deps.tweets.hydrate(page.data, query.readerId),
      nextCursor: page.nextCursor,
    };
  };
}
