import { distributionFor, type FanoutSettings, shouldTrim } from '../domain/timeline.ts';
import { followerPages } from './follower-pages.ts';
import type { AuthorTweetStore, DeletedTweets, FanoutChunk, FanoutQueue, FollowGraph, HighFollowerAuthors, LiveUpdates, TimelineEntry } from './ports.ts';
import type { PushToHome } from './push-to-home.ts';
import type { UnpushFromHome } from './unpush-from-home.ts';

export interface FanOutDeps {
  authorTweets: AuthorTweetStore;
  deleted: DeletedTweets;
  graph: FollowGraph;
  highFollowers: HighFollowerAuthors;
  queue: FanoutQueue;
  settings: FanoutSettings;
  live: LiveUpdates;
  pushToHome: PushToHome;
  unpushFromHome: UnpushFromHome;
}

/**
 * A new tweet (Mastodon's FanOutOnWriteService): the author's recent tweets, then the author's
 * own home timeline and every follower's, or only the author's when they are merged on read
 * (then online followers hear of it through one live message on the author's channel).
 *
 * The followers are walked a page at a time and held until the walk passes the high-follower
 * threshold (then the author is marked and nothing is fanned out: from now on they are merged on
 * read) or ends (then one page is pushed here, more go to the queue as chunks every worker
 * shares). The author's own timeline rides in the one chunk pushed here (the common case, a few
 * hundred followers: one write, one check), or is pushed on its own before the rest is queued.
 *
 * If the tweet turns out deleted already (a delete that overtook this event, or a redelivery
 * after it), what this or an earlier delivery wrote for the author is taken back; followers'
 * chunks check for themselves.
 */
export function makeFanOut(deps: FanOutDeps) {
  const { authorTweets, settings, pushToHome } = deps;
  return async function fanOut(tweet: TimelineEntry & { createdAt: string }): Promise<void> {
    const own: Omit<FanoutChunk, 'action'> = { ...tweet, readerIds: [tweet.authorId] };
    const mergedOnRead = await deps.highFollowers.has(tweet.authorId);
    await authorTweets.record(tweet, !mergedOnRead);
    if (await deps.deleted.has(tweet.tweetId)) {
      await authorTweets.remove(tweet);
      await deps.unpushFromHome(own);
      return;
    }
    if (shouldTrim(tweet.tweetId)) await authorTweets.trim(tweet.authorId);
    if (mergedOnRead) {
      await deps.live.mergedAuthorPosted(tweet.authorId, tweet.tweetId, tweet.createdAt);
      return pushToHome(own, { justChecked: true });
    }

    const held: FanoutChunk[] = [];
    let seen = 0;
    for await (const followerIds of followerPages(deps.graph, tweet.authorId, settings.chunkSize)) {
      seen += followerIds.length;
      if (distributionFor(seen, settings.highFollowerThreshold) === 'merge_on_read') {
        await deps.highFollowers.add(tweet.authorId);
        await deps.live.mergedAuthorPosted(tweet.authorId, tweet.tweetId, tweet.createdAt);
        return pushToHome(own, { justChecked: true });
      }
      if (followerIds.length > 0) held.push({ action: 'add', ...tweet, readerIds: followerIds });
    }
    if (held.length <= 1) return pushToHome({ ...own, readerIds: [tweet.authorId, ...(held[0]?.readerIds ?? [])] }, { justChecked: true });
    await pushToHome(own, { justChecked: true });
    await deps.queue.enqueue(held);
  };
}
