import { FOLLOW_BACKFILL } from '../domain/timeline.ts';
import type { FollowGraph, HighFollowerAuthors, TimelineCache, TimelineStore } from './ports.ts';

export interface FollowChange {
  followerId: string;
  followeeId: string;
  sequence: string;
  following: boolean;
}

/**
 * Keeps the follow graph and the follower's timeline in step with follows and unfollows. The
 * graph keeps the change with the highest sequence; the timeline is then set to match the
 * pair's state as it now stands, so a follow and an unfollow arriving in either order (or
 * twice) leave the timeline as the later one says.
 */
export function makeFollowChanges(deps: { graph: FollowGraph; store: TimelineStore; cache: TimelineCache; highFollowers: HighFollowerAuthors }) {
  return async function followChanged(change: FollowChange): Promise<void> {
    await deps.graph.saveFollow(change);
    const { followerId, followeeId } = change;
    if (await deps.graph.isFollowing(followerId, followeeId)) {
      // A high-follower author's tweets are merged when the timeline is read; nothing to copy.
      if (await deps.highFollowers.has(followeeId)) return;
      const recent = await deps.store.authorTweets(followeeId, undefined, FOLLOW_BACKFILL);
      // Nothing to copy (a new account, or a graph seeded before anyone posts): the timeline is unchanged.
      if (recent.length === 0) return;
      await deps.store.addEntries(
        followerId,
        recent.map((tweetId) => ({ tweetId, authorId: followeeId })),
      );
      await deps.store.trimTimelines([followerId]);
      // Checked again after writing: an unfollow or a delete handled meanwhile wins over this backfill.
      if (!(await deps.graph.isFollowing(followerId, followeeId))) await deps.store.removeAuthor(followerId, followeeId);
      const deleted = (await Promise.all(recent.map(async (tweetId) => ((await deps.store.isDeleted(tweetId)) ? [tweetId] : [])))).flat();
      if (deleted.length > 0) await Promise.all(deleted.map((tweetId) => deps.store.removeFromTimelines([followerId], tweetId)));
    } else {
      await deps.store.removeAuthor(followerId, followeeId);
    }
    // The cached copy is rebuilt from Cassandra on the next read.
    await deps.cache.forget(followerId);
  };
}
