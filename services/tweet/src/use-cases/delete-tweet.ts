import { createEvent } from '@chirp/kernel/events';
import { TweetDeleted } from '@chirp/kernel/tweet-events';
import { checkCanDelete } from '../domain/tweet.ts';
import { tweetNotFound } from '../domain/tweet-errors.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { TweetCache, TweetStore } from './ports.ts';

/**
 * Soft-deletes a tweet (author only): the row stays, so replies keep their parent and late
 * events find it. A reply's parent loses one from its reply count. The cache gets the
 * deleted row at once, so no read serves the tweet again.
 */
export function makeDeleteTweet(deps: { tweets: TweetStore; cache: TweetCache; clock: Clock }) {
  return async function deleteTweet(command: { tweetId: string; callerId: string }): Promise<void> {
    const changed = await deps.tweets.transaction(async (tx) => {
      const tweet = await tx.lockTweet(command.tweetId);
      if (!tweet || tweet.deleted) throw tweetNotFound();
      checkCanDelete(tweet, command.callerId);
      const now = deps.clock.now();
      const deleted = await tx.markDeleted(tweet.id, now);
      const parent = deleted.replyToId === null ? undefined : await tx.adjustCount(deleted.replyToId, 'replyCount', -1);
      await tx.emit([createEvent(TweetDeleted, { tweetId: tweet.id, authorId: tweet.authorId, deletedAt: now.toISOString() }, { occurredAt: now })]);
      return parent ? [deleted, parent] : [deleted];
    });
    await deps.cache.putTweets(changed);
  };
}
