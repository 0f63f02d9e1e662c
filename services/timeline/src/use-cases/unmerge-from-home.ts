import { MAX_HOME_ITEMS } from '../domain/timeline.ts';
import type { AuthorTweetStore, HighFollowerAuthors, HomeTimelineStore, LiveUpdates, TimelineCache } from './ports.ts';

/**
 * After an unfollow, the followee's tweets leave the follower's home timeline (Mastodon's
 * unmerge_from_home); the cached copy is dropped, to be rebuilt from the store on the next read.
 * A connected follower is sent a `delete` for each: the entries removed, and for a high-follower
 * author (merged on read, so never written) their recent tweets, which reads no longer merge in.
 */
export function makeUnmergeFromHome(deps: { homeTimelines: HomeTimelineStore; cache: TimelineCache; authorTweets: AuthorTweetStore; highFollowers: HighFollowerAuthors; live: LiveUpdates }) {
  return async function unmergeFromHome({ followerId, followeeId }: { followerId: string; followeeId: string }): Promise<void> {
    const removed = await deps.homeTimelines.unpushAuthor(followerId, followeeId);
    await deps.cache.forget(followerId);
    await deps.live.leftHome(followerId, async () => {
      const merged = (await deps.highFollowers.has(followeeId)) ? await deps.authorTweets.recent(followeeId, undefined, MAX_HOME_ITEMS) : [];
      return [...new Set([...removed, ...merged])];
    });
  };
}
export type UnmergeFromHome = ReturnType<typeof makeUnmergeFromHome>;
