import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from './authentication.ts';
import { errorResponses, EVERY_ROUTE, JSON_BODY, NO_BODY, PAGED, PARAMETERS, SIGNED_IN, SIGNED_IN_OPTIONAL } from './problems.ts';
import { BEARER_SECURITY, contextOf, OPTIONAL_BEARER_SECURITY, viewerOf, type RouteDeps } from './route-context.ts';
import { IdempotencyHeaders, json, NO_CONTENT, pageOf, PageQuery, PostTweetBody, SearchTweetsQuery, TweetPage, TweetParams, TweetRef } from './schemas.ts';

const UNKNOWN_TWEET = { 404: ['TWEET_NOT_FOUND'] };

/** Tweets, likes, replies and tweet search. */
export function registerTweetRoutes(parent: FastifyInstance, { tweets, postTweet }: RouteDeps): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['tweets'];
  const required = { auth: 'required' } as const;
  const optional = { auth: 'optional' } as const;

  app.post(
    '/v1/tweets',
    {
      config: { ...required, rateLimit: 'post' },
      schema: {
        operationId: 'postTweet',
        tags,
        summary: 'Post a tweet or a reply',
        description:
          'The author is the caller. Hashtags and mentions are taken from the text. `mediaIds` attaches up to 4 of your `ready` media (POST /v1/media), each to one tweet only; with media the text may be empty.',
        security: BEARER_SECURITY,
        headers: IdempotencyHeaders,
        body: PostTweetBody,
        response: {
          201: json('The new tweet, or with `Idempotent-Replayed: true` the one this key first created', TweetRef),
          ...errorResponses(EVERY_ROUTE, SIGNED_IN, JSON_BODY, {
            400: ['TWEET_EMPTY', 'TWEET_TOO_LONG', 'INVALID_TWEET_TEXT', 'INVALID_IDEMPOTENCY_KEY', 'INVALID_MEDIA', 'TOO_MANY_MEDIA'],
            // A reply to a tweet that does not exist, or an idempotent replay of a tweet since deleted.
            404: ['REPLY_TARGET_NOT_FOUND', 'TWEET_NOT_FOUND'],
          }),
        },
      },
    },
    async (request, reply) => {
      const { tweet, replayed } = await postTweet(callerOf(request), { ...request.body, idempotencyKey: request.headers['idempotency-key'] }, contextOf(request));
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(tweet);
    },
  );

  app.get(
    '/v1/tweets/:id',
    {
      config: optional,
      schema: {
        security: OPTIONAL_BEARER_SECURITY,
        operationId: 'getTweet',
        tags,
        summary: 'One tweet',
        description: '`likedByMe` is present when the request is signed in. A deleted tweet is 404.',
        params: TweetParams,
        response: { 200: json('The tweet', TweetRef), ...errorResponses(EVERY_ROUTE, SIGNED_IN_OPTIONAL, PARAMETERS, UNKNOWN_TWEET) },
      },
    },
    async (request) => tweets.get(request.params.id, viewerOf(request), contextOf(request)),
  );

  app.delete(
    '/v1/tweets/:id',
    {
      config: required,
      schema: {
        operationId: 'deleteTweet',
        tags,
        summary: 'Delete one of your tweets',
        description: "Someone else's tweet is 403. A deleted tweet leaves every timeline, reply list and search result.",
        security: BEARER_SECURITY,
        params: TweetParams,
        response: { 204: NO_CONTENT, ...errorResponses(EVERY_ROUTE, SIGNED_IN, PARAMETERS, NO_BODY, UNKNOWN_TWEET, { 403: ['NOT_TWEET_AUTHOR'] }) },
      },
    },
    async (request, reply) => {
      await tweets.delete(request.params.id, callerOf(request).userId, contextOf(request));
      return reply.code(204).send();
    },
  );

  for (const method of ['PUT', 'DELETE'] as const) {
    app.route({
      method,
      url: '/v1/tweets/:id/like',
      config: required,
      schema: {
        operationId: method === 'PUT' ? 'likeTweet' : 'unlikeTweet',
        tags,
        summary: method === 'PUT' ? 'Like a tweet' : 'Take a like back',
        description: 'Idempotent.',
        security: BEARER_SECURITY,
        params: TweetParams,
        response: { 204: NO_CONTENT, ...errorResponses(EVERY_ROUTE, SIGNED_IN, PARAMETERS, NO_BODY, UNKNOWN_TWEET) },
      },
      handler: async (request, reply) => {
        const userId = callerOf(request).userId;
        const ctx = contextOf(request);
        await (method === 'PUT' ? tweets.like(request.params.id, userId, ctx) : tweets.unlike(request.params.id, userId, ctx));
        return reply.code(204).send();
      },
    });
  }

  app.get(
    '/v1/tweets/:id/replies',
    {
      config: optional,
      schema: {
        security: OPTIONAL_BEARER_SECURITY,
        operationId: 'listReplies',
        tags,
        summary: 'Replies to a tweet, oldest first',
        params: TweetParams,
        querystring: PageQuery,
        response: { 200: json('A page of replies', TweetPage), ...errorResponses(EVERY_ROUTE, SIGNED_IN_OPTIONAL, PARAMETERS, PAGED, UNKNOWN_TWEET) },
      },
    },
    async (request) => tweets.listReplies(request.params.id, pageOf(request.query), viewerOf(request), contextOf(request)),
  );

  app.get(
    '/v1/search/tweets',
    {
      config: optional,
      schema: {
        security: OPTIONAL_BEARER_SECURITY,
        operationId: 'searchTweets',
        tags: ['search'],
        summary: 'Tweets with every word of `q` (whole words, any case); `#tag` matches the hashtag. Newest first',
        querystring: SearchTweetsQuery,
        response: { 200: json('A page of tweets', TweetPage), ...errorResponses(EVERY_ROUTE, SIGNED_IN_OPTIONAL, PAGED, { 400: ['INVALID_SEARCH_QUERY'] }) },
      },
    },
    async (request) => tweets.search(request.query.q, pageOf(request.query), viewerOf(request), contextOf(request)),
  );
}
