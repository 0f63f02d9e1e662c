import { batchBody, IdParam, ListQuery, Strict, ViewerQuery } from '@chirp/common/request-schemas';
import { type Page, pageSchema } from '@chirp/kernel/pagination';
import { type MediaJson, MediaSchema, type TweetJson, TweetSchema } from '@chirp/kernel/api-v1';
import { HANDLE_PATTERN } from '@chirp/kernel/text';
import { Type } from '@sinclair/typebox';
import { MAX_BATCH_IDS } from '../../use-cases/get-tweets.ts';
import type { AttachedMedia, Media } from '../../domain/media.ts';
import type { TweetView } from '../../use-cases/tweet-view.ts';

export { IdParam, ListQuery, Strict, ViewerQuery };

export { MediaSchema, TweetSchema };

export const toMediaJson = (media: AttachedMedia & { status?: Media['status'] }): MediaJson => ({
  id: media.id,
  type: 'image',
  contentType: media.contentType,
  size: media.size,
  // A tweet's media was ready when attached, and stays so.
  status: media.status ?? 'ready',
  url: media.url,
  width: media.width,
  height: media.height,
});

export const toTweetJson = (tweet: TweetView): TweetJson => {
  const json: TweetJson = {
    id: tweet.id,
    text: tweet.text,
    createdAt: tweet.createdAt.toISOString(),
    author: tweet.author,
    replyToId: tweet.replyToId,
    likeCount: tweet.likeCount,
    replyCount: tweet.replyCount,
    hashtags: tweet.hashtags,
    mentions: tweet.mentions,
    media: tweet.media.map(toMediaJson),
  };
  if (tweet.likedByMe !== undefined) json.likedByMe = tweet.likedByMe;
  return json;
};

export const TweetPageSchema = pageSchema(TweetSchema);
export const toTweetPageJson = (page: Page<TweetView>) => ({ data: page.data.map(toTweetJson), nextCursor: page.nextCursor });

/** The text's length is the domain's rule (TWEET_TOO_LONG, in twitter-text weighting); the body limit bounds the rest. */
export const CreateTweetBody = Type.Object(
  {
    text: Type.String(),
    replyToId: Type.Optional(IdParam),
    // Loosely bounded: more than 4 is the domain's TOO_MANY_MEDIA.
    mediaIds: Type.Optional(Type.Array(IdParam, { maxItems: 32 })),
    /** From the caller's access token (the gateway sets it); names the author until user events do. */
    authorHandle: Type.String({ pattern: HANDLE_PATTERN.source }),
  },
  Strict,
);
// No length bound here: the domain's rule answers INVALID_IDEMPOTENCY_KEY for any bad key (Node caps header size).
export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String()) });

export const BatchBody = batchBody(MAX_BATCH_IDS);
// `q`'s length is the domain's rule (INVALID_SEARCH_QUERY); the URL's size bounds the rest.
export const SearchQuery = Type.Object({ ...ListQuery.properties, q: Type.String() }, Strict);

export const MediaUploadBody = Type.Object(
  // The type and size rules are the domain's (MEDIA_TYPE_UNSUPPORTED, MEDIA_TOO_LARGE); the schema only bounds the input.
  { contentType: Type.String({ maxLength: 255 }), size: Type.Integer() },
  Strict,
);
export const MediaUploadSchema = Type.Object(
  {
    media: MediaSchema,
    upload: Type.Object(
      { url: Type.String(), fields: Type.Record(Type.String(), Type.String()), expiresAt: Type.String({ format: 'date-time' }) },
      { additionalProperties: false },
    ),
  },
  Strict,
);
