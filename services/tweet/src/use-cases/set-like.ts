import { tweetNotFound } from '../domain/tweet-errors.ts';
import type { Clock, TweetCache, TweetStore } from './ports.ts';

/**
 * Likes (`liked`) or unlikes a tweet, idempotently. The like row and the count change in one
 * transaction under the tweet's row lock, so the count is exact under any concurrency and a
 * deleted tweet can be neither liked nor unliked (404).
 */
export function makeSetLike(deps: { tweets: TweetStore; cache: TweetCache; clock: Clock }) {
  return async function setLike(command: { tweetId: string; userId: string; liked: boolean }): Promise<void> {
    const changed = await deps.tweets.transaction(async (tx) => {
      const tweet = await tx.lockTweet(command.tweetId);
      if (!tweet || tweet.deleted) throw tweetNotFound();
      const changedLike = command.liked ? await tx.insertLike(tweet.id, command.userId, deps.clock.now()) : await tx.deleteLike(tweet.id, command.userId);
      return changedLike ? tx.adjustCount(tweet.id, 'likeCount', command.liked ? 1 : -1) : undefined;
    });
    if (changed) await deps.cache.putTweets([changed]);
  };
}
