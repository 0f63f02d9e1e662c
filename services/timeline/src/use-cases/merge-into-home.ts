import { FOLLOW_BACKFILL } from '../domain/timeline.ts';
import type { AuthorTweetStore, DeletedTweets, FollowGraph, HighFollowerAuthors, HomeTimelineStore, LiveUpdates, TimelineCache } from './ports.ts';
import { trimStoredTimelines } from './trim-stored-timelines.ts';

/**
 * After a follow, the followee's recent tweets join the follower's home timeline (Mastodon's
 * merge_into_home), in the store and in the cached copy alike (a cached timeline stays warm: dropping
 * it cost the next read a rebuild of up to MAX_HOME_ITEMS rows). Checked again after writing both:
 * an unfollow or a delete handled meanwhile wins over this merge.
 * A connected follower is sent an `update` for each tweet that entered: the ones copied, or for
 * a high-follower author (merged on read, so never copied) the recent ones reads now merge in.
 * A redelivered follow sends them again; a client keys tweets by id, so its timeline is the same.
 */
export function makeMergeIntoHome(deps: {
  graph: FollowGraph;
  homeTimelines: HomeTimelineStore;
  cache: TimelineCache;
  authorTweets: AuthorTweetStore;
  deleted: DeletedTweets;
  highFollowers: HighFollowerAuthors;
  live: LiveUpdates;
}) {
  const { homeTimelines } = deps;
  return async function mergeIntoHome({ followerId, followeeId }: { followerId: string; followeeId: string }): Promise<void> {
    const without = (ids: string[], deleted: Set<string>) => ids.filter((id) => !deleted.has(id));
    // A high-follower author's tweets are merged when the timeline is read; nothing to copy.
    if (await deps.highFollowers.has(followeeId)) {
      return deps.live.enteredHome(followerId, async () => {
        const recent = await deps.authorTweets.recent(followeeId, undefined, FOLLOW_BACKFILL);
        return without(recent, await deps.deleted.among(recent));
      });
    }
    const recent = await deps.authorTweets.recent(followeeId, undefined, FOLLOW_BACKFILL);
    // Nothing to copy (a new account, or a graph seeded before anyone posts): the timeline is unchanged.
    if (recent.length === 0) return;
    await homeTimelines.pushMany(
      followerId,
      recent.map((tweetId) => ({ tweetId, authorId: followeeId })),
    );
    await trimStoredTimelines(homeTimelines, new Map([[followerId, await deps.cache.merge(followerId, recent)]]));
    const following = await deps.graph.isFollowing(followerId, followeeId);
    if (!following) {
      // Every one of the followee's entries goes, deleted or not, so no marker need be read; the
      // cache holds ids only, so the followee's cannot be picked out: the entry goes, to be rebuilt.
      await homeTimelines.unpushAuthor(followerId, followeeId);
      await deps.cache.forget(followerId);
      return;
    }
    const deleted = await deps.deleted.among(recent);
    if (deleted.size > 0) {
      await Promise.all([...deleted].map((tweetId) => Promise.all([homeTimelines.unpush([followerId], tweetId), deps.cache.remove([followerId], tweetId)])));
    }
    // One check of the graph and one read of the markers serve both the store and the stream.
    await deps.live.enteredHome(followerId, async () => without(recent, deleted));
  };
}
export type MergeIntoHome = ReturnType<typeof makeMergeIntoHome>;
