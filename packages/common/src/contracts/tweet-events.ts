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
    /** Handles as written, without the @. */
    mentions: Type.Array(Type.String({ maxLength: 15 }), { maxItems: 50 }),
    /** Lower-cased, without the #. */
    hashtags: Type.Array(Type.String({ maxLength: 140 }), { maxItems: 50 }),
  }),
);

export const TweetDeleted = defineEvent('tweet.deleted', 1, Type.Object({ tweetId: IdString, authorId: IdString, deletedAt: Timestamp }));
