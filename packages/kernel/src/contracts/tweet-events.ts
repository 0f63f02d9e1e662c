// The tweet service's events, as every producer and consumer checks them (topic chirp-tweet-events).
import { Type } from '@sinclair/typebox';
import { defineEvent } from '../events.ts';
import { IdString, Timestamp } from './user-events.ts';

export const TWEET_EVENTS_TOPIC = 'chirp-tweet-events';

export const TweetCreated = defineEvent(
  'tweet.created',
  1,
  Type.Object({
    tweetId: IdString,
    authorId: IdString,
    createdAt: Timestamp,
    replyToId: Type.Union([IdString, Type.Null()]),
    /** The author of the tweet replied to (who a reply notifies); absent in events written before it existed. */
    replyToAuthorId: Type.Optional(Type.Union([IdString, Type.Null()])),
    // No tighter bounds than the text allows: 280 weighted characters hold ~90 tags or ~56
    // mentions, and a tag's length in UTF-16 is not bounded by its weight. The producer's
    // domain rules decide what a tweet may hold; a bound here would turn a valid tweet into a 500.
    /** Handles as written, without the @. */
    mentions: Type.Array(Type.String({ minLength: 1, maxLength: 15 }), { maxItems: 280 }),
    /** Lower-cased, without the #. */
    hashtags: Type.Array(Type.String({ minLength: 1 }), { maxItems: 280 }),
  }),
);

export const TweetDeleted = defineEvent('tweet.deleted', 1, Type.Object({ tweetId: IdString, authorId: IdString, deletedAt: Timestamp }));

const LikeChange = {
  tweetId: IdString,
  /** The liked tweet's author: who a like notifies. */
  authorId: IdString,
  /** Who liked or unliked. */
  userId: IdString,
};
/** Emitted only when the like row changed, so an idempotent repeat emits nothing. */
export const TweetLiked = defineEvent('tweet.liked', 1, Type.Object({ ...LikeChange, likedAt: Timestamp }));
export const TweetUnliked = defineEvent('tweet.unliked', 1, Type.Object({ ...LikeChange, unlikedAt: Timestamp }));
