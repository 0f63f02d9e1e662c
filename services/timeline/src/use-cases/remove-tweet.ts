import type { FanoutSettings } from '../domain/timeline.ts';
import { followerPages } from './follower-pages.ts';
import type { AuthorTweetStore, DeletedTweets, FanoutQueue, FollowGraph, HighFollowerAuthors, LiveUpdates, TimelineEntry } from './ports.ts';
import type { UnpushFromHome } from './unpush-from-home.ts';

/**
 * A deleted tweet leaves every home timeline (the timelines' part of Mastodon's
 * RemoveStatusService). The marker comes first, so a create that arrives later (or is being
 * fanned out now) finds it and takes its rows back. Followers' timelines are unpushed in
 * chunks through the queue, a page of followers each, sent as soon as it is read. The author's
 * record goes last, so a retry after a failed walk still knows whether to walk.
 */
export function makeRemoveTweet(deps: {
  authorTweets: AuthorTweetStore;
  deleted: DeletedTweets;
  graph: FollowGraph;
  highFollowers: HighFollowerAuthors;
  queue: FanoutQueue;
  settings: Pick<FanoutSettings, 'chunkSize'>;
  live: LiveUpdates;
  unpushFromHome: UnpushFromHome;
}) {
  return async function removeTweet(tweet: TimelineEntry & { deletedAt: string }): Promise<void> {
    await deps.deleted.mark(tweet.tweetId);
    const fannedOut = await deps.authorTweets.wasFannedOut(tweet);
    await deps.unpushFromHome({ readerIds: [tweet.authorId], tweetId: tweet.tweetId });
    // Unknown (deleted before created, or trimmed away): walk the followers unless the author is merged on read.
    const walk = fannedOut ?? !(await deps.highFollowers.has(tweet.authorId));
    if (walk) {
      for await (const readerIds of followerPages(deps.graph, tweet.authorId, deps.settings.chunkSize)) {
        if (readerIds.length > 0) await deps.queue.enqueue([{ action: 'remove', ...tweet, readerIds, createdAt: tweet.deletedAt }]);
      }
    } else {
      // Merged on read: no follower has a row, and online followers hear of it on the author's channel.
      await deps.live.mergedAuthorDeleted(tweet.authorId, tweet.tweetId);
    }
    await deps.authorTweets.remove(tweet);
  };
}
