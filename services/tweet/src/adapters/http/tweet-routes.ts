import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TweetUseCases } from '../../use-cases/tweet-use-cases.ts';
import {
  BatchBody,
  CreateTweetBody,
  IdempotencyHeaders,
  IdParam,
  ListQuery,
  MediaSchema,
  MediaUploadBody,
  MediaUploadSchema,
  SearchQuery,
  Strict,
  toMediaJson,
  toTweetJson,
  toTweetPageJson,
  TweetPageSchema,
  TweetSchema,
  ViewerQuery,
} from './schemas.ts';

const TweetParams = Type.Object({ id: IdParam }, Strict);
const UserParams = Type.Object({ userId: IdParam }, Strict);
const UserTweetParams = Type.Object({ userId: IdParam, tweetId: IdParam }, Strict);
const UserMediaParams = Type.Object({ userId: IdParam, mediaId: IdParam }, Strict);

/**
 * The tweet service's API. It is internal: only the gateway (and the timeline service, for
 * hydration) call it, and the gateway alone turns an access token into the `userId`,
 * `viewerId` and `authorHandle` these routes take.
 */
export function registerTweetRoutes(parent: FastifyInstance, useCases: TweetUseCases): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/v1/users/:userId/tweets',
    { schema: { params: UserParams, headers: IdempotencyHeaders, body: CreateTweetBody, response: { 201: TweetSchema } } },
    async (request, reply) => {
      const { tweet, replayed } = await useCases.createTweet({
        authorId: request.params.userId,
        authorHandle: request.body.authorHandle,
        text: request.body.text,
        replyToId: request.body.replyToId,
        idempotencyKey: request.headers['idempotency-key'],
        mediaIds: request.body.mediaIds,
      });
      // A replay answers as the first request did; the header tells a client (or a log) it was one.
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(toTweetJson(tweet));
    },
  );
  app.get('/v1/users/:userId/tweets', { schema: { params: UserParams, querystring: ListQuery, response: { 200: TweetPageSchema } } }, async (request) =>
    toTweetPageJson(await useCases.listAuthorTweets({ authorId: request.params.userId, ...request.query })),
  );
  app.delete('/v1/users/:userId/tweets/:tweetId', { schema: { params: UserTweetParams } }, async (request, reply) => {
    const { mediaLeftBehind } = await useCases.deleteTweet({ tweetId: request.params.tweetId, callerId: request.params.userId });
    if (mediaLeftBehind !== undefined) {
      request.log.warn(
        { err: mediaLeftBehind, tweetId: request.params.tweetId },
        "the deleted tweet's media objects could not be deleted yet; the media sweep retries (check the S3 endpoint and MEDIA_BUCKET)",
      );
    }
    return reply.code(204).send();
  });
  app.put('/v1/users/:userId/likes/:tweetId', { schema: { params: UserTweetParams } }, async (request, reply) => {
    await useCases.setLike({ tweetId: request.params.tweetId, userId: request.params.userId, liked: true });
    return reply.code(204).send();
  });
  app.delete('/v1/users/:userId/likes/:tweetId', { schema: { params: UserTweetParams } }, async (request, reply) => {
    await useCases.setLike({ tweetId: request.params.tweetId, userId: request.params.userId, liked: false });
    return reply.code(204).send();
  });

  app.post(
    '/v1/users/:userId/media',
    { schema: { params: UserParams, body: MediaUploadBody, response: { 201: MediaUploadSchema } } },
    async (request, reply) => {
      const { media, upload } = await useCases.requestMediaUpload({ ownerId: request.params.userId, ...request.body });
      return reply.code(201).send({ media: toMediaJson(media), upload: { ...upload, expiresAt: upload.expiresAt.toISOString() } });
    },
  );
  // The gateway calls this for PATCH /v1/users/me with avatarMediaId, then gives the URL to the user service.
  app.post('/v1/users/:userId/media/:mediaId/avatar', { schema: { params: UserMediaParams, response: { 200: MediaSchema } } }, async (request) =>
    toMediaJson(await useCases.useMediaAsAvatar({ mediaId: request.params.mediaId, callerId: request.params.userId })),
  );
  app.get('/v1/users/:userId/media/:mediaId', { schema: { params: UserMediaParams, response: { 200: MediaSchema } } }, async (request) =>
    toMediaJson(await useCases.getMedia({ mediaId: request.params.mediaId, callerId: request.params.userId })),
  );

  app.get('/v1/tweets/search', { schema: { querystring: SearchQuery, response: { 200: TweetPageSchema } } }, async (request) =>
    toTweetPageJson(await useCases.searchTweets(request.query)),
  );
  app.post('/v1/tweets/batch', { schema: { body: BatchBody, response: { 200: Type.Object({ data: Type.Array(TweetSchema) }) } } }, async (request) => {
    const tweets = await useCases.getTweets(request.body);
    return { data: tweets.map(toTweetJson) };
  });
  app.get('/v1/tweets/:id', { schema: { params: TweetParams, querystring: ViewerQuery, response: { 200: TweetSchema } } }, async (request) =>
    toTweetJson(await useCases.getTweet({ tweetId: request.params.id, viewerId: request.query.viewerId })),
  );
  app.get('/v1/tweets/:id/replies', { schema: { params: TweetParams, querystring: ListQuery, response: { 200: TweetPageSchema } } }, async (request) =>
    toTweetPageJson(await useCases.listReplies({ tweetId: request.params.id, ...request.query })),
  );
}
