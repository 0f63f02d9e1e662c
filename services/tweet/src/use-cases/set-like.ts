import { createEvent } from '@chirp/kernel/events';
import { TweetLiked, TweetUnliked } from '@chirp/kernel/tweet-events';
import { tweetNotFound } from '../domain/tweet-errors.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { TweetCache, TweetStore } from './ports.ts';

/**
 * Likes (`liked`) or unlikes a tweet, idempotently. The like row, the count and the event
 * (`tweet.liked` or `tweet.unliked`, through the outbox) change in one transaction under the
 * tweet's row lock, so the count is exact under any concurrency, a repeat emits nothing, and
 * a deleted tweet can be neither liked nor unliked (404).
 */
export function makeSetLike(deps: { tweets: TweetStore; cache: TweetCache; clock: Clock }) {
  return async function setLike(command: { tweetId: string; userId: string; liked: boolean }): Promise<void> {
    const changed = await deps.tweets.transaction(async (tx) => {
      const tweet = await tx.lockTweet(command.tweetId);
      if (!tweet || tweet.deleted) throw tweetNotFound();
      const now = deps.clock.now();
      const changedLike = command.liked ? await tx.insertLike(tweet.id, command.userId, now) : await tx.deleteLike(tweet.id, command.userId);
      if (!changedLike) return undefined;
      const change = { tweetId: tweet.id, authorId: tweet.authorId, userId: command.userId };
      await tx.emit([
        command.liked
          ? createEvent(TweetLiked, { ...change, likedAt: now.toISOString() }, { occurredAt: now })
          : createEvent(TweetUnliked, { ...change, unlikedAt: now.toISOString() }, { occurredAt: now }),
      ]);
      return tx.adjustCount(tweet.id, 'likeCount', command.liked ? 1 : -1);
    });
    if (changed) await deps.cache.putTweets([changed]);
  };
}
