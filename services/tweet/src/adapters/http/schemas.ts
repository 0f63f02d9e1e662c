import { IdString } from '@chirp/kernel/id-schema';
import { type Page, PageQuerySchema, pageSchema } from '@chirp/kernel/pagination';
import { type TweetJson, TweetSchema } from '@chirp/kernel/api-v1';
import { HANDLE_PATTERN } from '@chirp/kernel/text';
import { Type } from '@sinclair/typebox';
import { MAX_BATCH_IDS } from '../../use-cases/get-tweets.ts';
import type { TweetView } from '../../use-cases/tweet-view.ts';

export const IdParam = IdString();
export const Strict = { additionalProperties: false } as const;

export { TweetSchema };

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
    /** From the caller's access token (the gateway sets it); names the author until user events do. */
    authorHandle: Type.String({ pattern: HANDLE_PATTERN.source }),
  },
  Strict,
);
// No length bound here: the domain's rule answers INVALID_IDEMPOTENCY_KEY for any bad key (Node caps header size).
export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String()) });

export const BatchBody = Type.Object(
  { ids: Type.Array(IdParam, { minItems: 1, maxItems: MAX_BATCH_IDS }), viewerId: Type.Optional(IdParam) },
  Strict,
);
export const ViewerQuery = Type.Object({ viewerId: Type.Optional(IdParam) }, Strict);
export const ListQuery = Type.Object({ ...PageQuerySchema.properties, viewerId: Type.Optional(IdParam) }, Strict);
// `q`'s length is the domain's rule (INVALID_SEARCH_QUERY); the URL's size bounds the rest.
export const SearchQuery = Type.Object({ ...ListQuery.properties, q: Type.String() }, Strict);
