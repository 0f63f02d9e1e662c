import { createEvent } from '@chirp/kernel/events';
import { TweetCreated } from '@chirp/kernel/tweet-events';
import { attachedView, checkAttachable, parseMediaIds } from '../domain/media.ts';
import { IDEMPOTENCY_WINDOW_HOURS, parseIdempotencyKey, type Tweet } from '../domain/tweet.ts';
import { replyTargetNotFound, tweetNotFound } from '../domain/tweet-errors.ts';
import { extractEntities, parseTweetText } from '../domain/tweet-text.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { IdSource } from '@chirp/kernel/ids';
import type { StoredTweet, TweetCache, TweetStore } from './ports.ts';
import type { Hydrate, Present, TweetView } from './tweet-view.ts';
import type { FindVerified } from './find-verified-media.ts';

export interface CreateTweetCommand {
  authorId: string;
  /** The author's handle from their access token: a stand-in until the user events describe them. */
  authorHandle: string;
  text: string;
  replyToId?: string | undefined;
  idempotencyKey?: string | undefined;
  /** Up to 4 of the author's ready, unattached media, in the order shown. */
  mediaIds?: readonly string[] | undefined;
}

type Outcome = { created: StoredTweet; parent: StoredTweet | undefined } | { replayOf: string };

/**
 * Posts a tweet or a reply. With an idempotency key already used by the author within the
 * window, it creates nothing and answers the first tweet (`replayed`), also when the two
 * requests race: the second waits on the first's claim of the key. Media is attached in the
 * tweet's transaction, its rows locked, so one media never lands on two tweets.
 */
export function makeCreateTweet(deps: {
  tweets: TweetStore;
  findVerified: FindVerified;
  cache: TweetCache;
  ids: IdSource;
  clock: Clock;
  hydrate: Hydrate;
  present: Present;
}) {
  return async function createTweet(command: CreateTweetCommand): Promise<{ tweet: TweetView; replayed: boolean }> {
    const mediaIds = parseMediaIds(command.mediaIds ?? []);
    const { text } = parseTweetText(command.text, { withMedia: mediaIds.length > 0 });
    const key = command.idempotencyKey === undefined ? undefined : parseIdempotencyKey(command.idempotencyKey);
    const { hashtags, mentions } = extractEntities(text);
    // An upload the poller has not reached yet is verified now, so a client that posts right after
    // its upload is not refused for a media that is in fact ready.
    if (mediaIds.length > 0) await deps.findVerified(mediaIds, command.authorId);
    const outcome = await deps.tweets.transaction(async (tx): Promise<Outcome> => {
      const now = deps.clock.now();
      const id = deps.ids.next();
      if (key !== undefined) {
        const notBefore = new Date(now.getTime() - IDEMPOTENCY_WINDOW_HOURS * 3600_000);
        const replayOf = await tx.claimIdempotencyKey({ authorId: command.authorId, key, tweetId: id, at: now, notBefore });
        if (replayOf !== undefined) return { replayOf };
      }
      const replyToId = command.replyToId ?? null;
      // The parent's row lock also orders this reply against the parent's deletion.
      const parent = replyToId === null ? undefined : await tx.adjustCount(replyToId, 'replyCount', 1);
      if (replyToId !== null && !parent) throw replyTargetNotFound();
      const media = mediaIds.length === 0 ? [] : checkAttachable(mediaIds, await tx.lockMedia(mediaIds), command.authorId);
      const tweet: Tweet = {
        id,
        authorId: command.authorId,
        text,
        createdAt: now,
        replyToId,
        hashtags,
        mentions,
        likeCount: 0,
        replyCount: 0,
        media: media.map(attachedView),
      };
      await tx.insertTweet(tweet, { handle: command.authorHandle, displayName: command.authorHandle });
      if (media.length > 0) await tx.attachMedia(mediaIds, id);
      await tx.emit([
        createEvent(
          TweetCreated,
          { tweetId: id, authorId: tweet.authorId, createdAt: now.toISOString(), replyToId, replyToAuthorId: parent?.authorId ?? null, mentions, hashtags },
          { occurredAt: now },
        ),
      ]);
      return { created: { ...tweet, deleted: false, version: 1 }, parent };
    });

    if ('replayOf' in outcome) {
      // Seen by its author, so a replay has the same shape as the first answer (likedByMe included).
      const [first] = await deps.hydrate([outcome.replayOf], command.authorId);
      // The key's first tweet has since been deleted: it is 404 everywhere, here too.
      if (!first) throw tweetNotFound();
      return { tweet: first, replayed: true };
    }
    await deps.cache.putTweets(outcome.parent ? [outcome.created, outcome.parent] : [outcome.created]);
    // The new tweet is in hand: only its author is looked up. No one has liked it yet.
    const [view] = await deps.present([outcome.created]);
    return { tweet: { ...view!, likedByMe: false }, replayed: false };
  };
}
