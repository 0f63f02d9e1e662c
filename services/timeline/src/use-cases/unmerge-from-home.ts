import type { HomeTimelineStore, TimelineCache } from './ports.ts';

/**
 * After an unfollow, the followee's tweets leave the follower's home timeline (Mastodon's
 * unmerge_from_home); the cached copy is dropped, to be rebuilt from the store on the next read.
 */
export function makeUnmergeFromHome(deps: { homeTimelines: HomeTimelineStore; cache: TimelineCache }) {
  return async function unmergeFromHome({ followerId, followeeId }: { followerId: string; followeeId: string }): Promise<void> {
    await deps.homeTimelines.unpushAuthor(followerId, followeeId);
    await deps.cache.forget(followerId);
  };
}
export type UnmergeFromHome = ReturnType<typeof makeUnmergeFromHome>;
