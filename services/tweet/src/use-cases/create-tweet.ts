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
 * tweet's transaction, its rows locked, so one media never lands on two tweets. A post that locks
 * nothing first (no parent, no media: most posts) is one write, claim included, with no
 * transaction around it: one round trip to Postgres where the transaction took four or five.
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
    const replyToId = command.replyToId ?? null;
    const standIn = { handle: command.authorHandle, displayName: command.authorHandle };
    /** The tweet and its event, the reply's parent and attached media as the caller found them. */
    const newTweet = (id: string, now: Date, parent: StoredTweet | undefined, media: Tweet['media']) => {
      const tweet: Tweet = { id, authorId: command.authorId, text, createdAt: now, replyToId, hashtags, mentions, likeCount: 0, replyCount: 0, media };
      const event = createEvent(
        TweetCreated,
        { tweetId: id, authorId: tweet.authorId, createdAt: now.toISOString(), replyToId, replyToAuthorId: parent?.authorId ?? null, mentions, hashtags },
        { occurredAt: now },
      );
      return { tweet, standIn, events: [event] };
    };
    const created = (tweet: Tweet, parent: StoredTweet | undefined): Outcome => ({ created: { ...tweet, deleted: false, version: 1 }, parent });
    const claimOf = (now: Date) => key && { key, at: now, notBefore: new Date(now.getTime() - IDEMPOTENCY_WINDOW_HOURS * 3600_000) };

    let outcome: Outcome;
    if (replyToId === null && mediaIds.length === 0) {
      // Nothing to lock first: the claim, the tweet and its event are one write, no transaction around it.
      const now = deps.clock.now();
      const post = newTweet(deps.ids.next(), now, undefined, []);
      const claim = claimOf(now);
      const { replayOf } = await deps.tweets.insertTweet(claim ? { ...post, claim } : post);
      outcome = replayOf === undefined ? created(post.tweet, undefined) : { replayOf };
    } else {
      outcome = await deps.tweets.transaction(async (tx): Promise<Outcome> => {
        const now = deps.clock.now();
        const id = deps.ids.next();
        const claim = claimOf(now);
        if (claim) {
          const replayOf = await tx.claimIdempotencyKey({ authorId: command.authorId, key: claim.key, tweetId: id, at: now, notBefore: claim.notBefore });
          if (replayOf !== undefined) return { replayOf };
        }
        // The parent's row lock also orders this reply against the parent's deletion.
        const parent = replyToId === null ? undefined : await tx.adjustCount(replyToId, 'replyCount', 1);
        if (replyToId !== null && !parent) throw replyTargetNotFound();
        const media = mediaIds.length === 0 ? [] : checkAttachable(mediaIds, await tx.lockMedia(mediaIds), command.authorId);
        const post = newTweet(id, now, parent, media.map(attachedView));
        await tx.insertTweet(post);
        if (media.length > 0) await tx.attachMedia(mediaIds, id);
        return created(post.tweet, parent);
      });
    }

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
