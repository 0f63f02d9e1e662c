import { distributionFor, type FanoutSettings, shouldTrim } from '../domain/timeline.ts';
import { followerPages } from './follower-pages.ts';
import type { AuthorTweetStore, FanoutChunk, FanoutQueue, FollowGraph, HighFollowerAuthors, LiveUpdates, TimelineEntry } from './ports.ts';
import type { PushToHome } from './push-to-home.ts';

export interface FanOutDeps {
  authorTweets: AuthorTweetStore;
  graph: FollowGraph;
  highFollowers: HighFollowerAuthors;
  queue: FanoutQueue;
  settings: FanoutSettings;
  live: LiveUpdates;
  pushToHome: PushToHome;
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
 * The author's recent tweets are recorded first, and the one deletion check pushToHome makes
 * after writing the chunk pushed here covers that record too: a delete whose marker the check
 * sees (one that overtook this event, or ran before a redelivery) has everything written here
 * taken back, by this or an earlier delivery; a delete whose marker lands after the check
 * removes the record and the rows itself, after they were written. Only once the check has
 * passed are the author's recent tweets trimmed, the author's channel told and the rest queued;
 * queued chunks check for themselves.
 */
export function makeFanOut(deps: FanOutDeps) {
  const { authorTweets, settings, pushToHome } = deps;
  return async function fanOut(tweet: TimelineEntry & { createdAt: string }): Promise<void> {
    const own: Omit<FanoutChunk, 'action'> = { ...tweet, readerIds: [tweet.authorId] };
    /** Pushes the chunk fanOut writes itself; false when the tweet turned out deleted and all is taken back. */
    const pushHere = async (chunk: Omit<FanoutChunk, 'action'>): Promise<boolean> => {
      if ((await pushToHome(chunk, { checkFirst: false })) === 'deleted') {
        await authorTweets.remove(tweet);
        return false;
      }
      if (shouldTrim(tweet.tweetId)) await authorTweets.trim(tweet.authorId);
      return true;
    };
    const pushMerged = async () => {
      if (await pushHere(own)) await deps.live.mergedAuthorPosted(tweet.authorId, tweet.tweetId, tweet.createdAt);
    };

    const mergedOnRead = await deps.highFollowers.has(tweet.authorId);
    await authorTweets.record(tweet, !mergedOnRead);
    if (mergedOnRead) return pushMerged();

    const held: FanoutChunk[] = [];
    let seen = 0;
    for await (const followerIds of followerPages(deps.graph, tweet.authorId, settings.chunkSize)) {
      seen += followerIds.length;
      if (distributionFor(seen, settings.highFollowerThreshold) === 'merge_on_read') {
        await deps.highFollowers.add(tweet.authorId);
        return pushMerged();
      }
      if (followerIds.length > 0) held.push({ action: 'add', ...tweet, readerIds: followerIds });
    }
    if (held.length <= 1) {
      await pushHere({ ...own, readerIds: [tweet.authorId, ...(held[0]?.readerIds ?? [])] });
      return;
    }
    if (await pushHere(own)) await deps.queue.enqueue(held);
  };
}
