import { createEvent } from '@chirp/kernel/events';
import { TweetDeleted } from '@chirp/kernel/tweet-events';
import { checkCanDelete } from '../domain/tweet.ts';
import { tweetNotFound } from '../domain/tweet-errors.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { MediaStorage, MediaStore, TweetCache, TweetStore } from './ports.ts';

/**
 * Soft-deletes a tweet (author only): the row stays, so replies keep their parent and late
 * events find it. A reply's parent loses one from its reply count. The cache gets the
 * deleted row at once, so no read serves the tweet again. Its media objects are deleted after
 * the commit, so their URLs stop answering; when that fails the answer says so (the caller logs
 * it) and the media sweep deletes them later.
 */
export function makeDeleteTweet(deps: { tweets: TweetStore; media: MediaStore; storage: MediaStorage; cache: TweetCache; clock: Clock }) {
  return async function deleteTweet(command: { tweetId: string; callerId: string }): Promise<{ mediaLeftBehind?: unknown }> {
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
    if (changed[0]!.media.length === 0) return {};
    try {
      // An avatar made from one of the tweet's pictures stays (it is still shown on the profile).
      const media = (await deps.media.findMediaOfTweet(command.tweetId)).filter((item) => !item.avatar);
      await deps.storage.delete(media.map((item) => item.key));
      await deps.media.deleteMedia(media.map((item) => item.id));
      return {};
    } catch (error) {
      // The tweet is deleted either way; the sweep removes what is left (listRemovable names it).
      return { mediaLeftBehind: error };
    }
  };
}
