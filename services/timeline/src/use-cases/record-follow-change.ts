import type { MergeIntoHome } from './merge-into-home.ts';
import type { FollowGraph, HighFollowerAuthors, LiveUpdates } from './ports.ts';
import type { UnmergeFromHome } from './unmerge-from-home.ts';

export interface FollowChange {
  followerId: string;
  followeeId: string;
  sequence: string;
  following: boolean;
}

/**
 * Keeps the follow graph and the follower's home timeline in step with follows and unfollows.
 * The graph keeps the change with the highest sequence; the timeline is then merged or unmerged
 * to match the pair's state as it now stands, so a follow and an unfollow arriving in either
 * order (or twice) leave the timeline as the later one says. A follower with a stream open is
 * told when the followee is merged on read, so the stream starts (or stops) hearing that author.
 */
export function makeRecordFollowChange(deps: {
  graph: FollowGraph;
  highFollowers: HighFollowerAuthors;
  live: LiveUpdates;
  mergeIntoHome: MergeIntoHome;
  unmergeFromHome: UnmergeFromHome;
}) {
  return async function recordFollowChange(change: FollowChange): Promise<void> {
    await deps.graph.saveFollow(change);
    const pair = { followerId: change.followerId, followeeId: change.followeeId };
    const following = await deps.graph.isFollowing(pair.followerId, pair.followeeId);
    if (following) await deps.mergeIntoHome(pair);
    else await deps.unmergeFromHome(pair);
    if (await deps.highFollowers.has(pair.followeeId)) await deps.live.mergedAuthorFollowed(pair.followerId, pair.followeeId, following);
  };
}
