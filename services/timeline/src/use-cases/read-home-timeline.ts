import { decodeIdCursor, type Page, toPage } from '@chirp/kernel/pagination';
import { isBefore, mergeNewest } from '../domain/timeline.ts';
import type { AuthorTweetStore, FollowGraph, HighFollowerAuthors, HomeTimelineStore, HydratedTweet, TimelineCache, TweetHydrator } from './ports.ts';

/** Beyond this many high-follower authors, a home read reads the reader's whole following list instead. */
const MAX_AUTHORS_ASKED = 200;

export interface HomeTimelineQuery {
  readerId: string;
  limit: number;
  cursor?: string | undefined;
  /** The request that asked, passed on to the tweet service. */
  requestId?: string | undefined;
}

/**
 * A page of the reader's home timeline, newest first: their stored timeline (from Redis,
 * rebuilt from Cassandra when absent) merged with the recent tweets of the high-follower
 * authors they follow, then hydrated in one batch call. The cursor is the last id of the
 * merge, so tweets deleted meanwhile shorten a page but never shift the next.
 */
export function makeReadHomeTimeline(deps: {
  graph: FollowGraph;
  homeTimelines: HomeTimelineStore;
  authorTweets: AuthorTweetStore;
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
    const loadAll = () => deps.homeTimelines.read(readerId);
    let all: string[] | undefined;
    await deps.cache.rebuild(readerId, async () => (all = await loadAll()));
    all ??= await loadAll(); // another process holds the rebuild, or Redis is down
    return all.filter((id) => isBefore(id, before)).slice(0, limit);
  }

  /**
   * The high-follower authors the reader follows. There are few: asking the reader's following
   * partition about each is one read that does not grow with how many the reader follows, and
   * none at all when no author is merged on read. Past a few hundred, the list is read instead.
   */
  async function followedHighFollowerAuthors(readerId: string): Promise<string[]> {
    const authors = await deps.highFollowers.all();
    if (authors.length === 0) return [];
    if (authors.length <= MAX_AUTHORS_ASKED) return [...(await deps.graph.followeesAmong(readerId, authors))];
    return deps.highFollowers.among(await deps.graph.following(readerId));
  }

  return async function readHomeTimeline(query: HomeTimelineQuery): Promise<Page<HydratedTweet>> {
    const before = decodeIdCursor(query.cursor);
    const wanted = query.limit + 1;
    const [own, merged] = await Promise.all([
      stored(query.readerId, before, wanted),
      followedHighFollowerAuthors(query.readerId).then((authors) => Promise.all(authors.map((authorId) => deps.authorTweets.recent(authorId, before, wanted)))),
    ]);
    const page = toPage(mergeNewest([own, ...merged], wanted), query.limit, (id) => [id], (id) => id);
    return {
      data: page.data.length === 0 ? [] : await deps.tweets.hydrate(page.data, query.readerId, query.requestId),
      nextCursor: page.nextCursor,
    };
  };
}
