import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { possibleHandle } from '../../domain/handle.ts';
import { callerOf } from './authentication.ts';
import { errorResponses, EVERY_ROUTE, JSON_BODY, NO_BODY, PAGED, PARAMETERS, SIGNED_IN, SIGNED_IN_OPTIONAL } from './problems.ts';
import { BEARER_SECURITY, contextOf, OPTIONAL_BEARER_SECURITY, viewerOf, type RouteDeps } from './route-context.ts';
import { HandleParams, json, NO_CONTENT, pageOf, PageQuery, SearchUsersQuery, TweetPage, UpdateProfileBody, UserPage, UserRef } from './schemas.ts';

const PROFILE_RULES = { 400: ['INVALID_DISPLAY_NAME', 'BIO_TOO_LONG', 'INVALID_BIO', 'INVISIBLE_CHARACTERS'] };
const UNKNOWN_USER = { 404: ['USER_NOT_FOUND'] };

/** Profiles, the follow graph and user timelines. */
export function registerUserRoutes(parent: FastifyInstance, { users, listUserTweets, updateProfile }: RouteDeps): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['users'];
  const signedIn = { config: { auth: 'required' }, security: BEARER_SECURITY } as const;
  const optional = { config: { auth: 'optional' } } as const;

  app.get(
    '/v1/users/me',
    {
      config: signedIn.config,
      schema: { operationId: 'getMe', tags, summary: "The caller's profile", security: signedIn.security, response: { 200: json('The caller', UserRef), ...errorResponses(EVERY_ROUTE, SIGNED_IN) } },
    },
    async (request) => {
      const caller = callerOf(request);
      return users.getById(caller.userId, caller.userId, contextOf(request));
    },
  );

  app.patch(
    '/v1/users/me',
    {
      config: signedIn.config,
      schema: {
        operationId: 'updateMe',
        tags,
        summary: "Change the caller's display name, bio or avatar",
        description: '`avatarMediaId` names one of your `ready` media (POST /v1/media); the profile then shows its URL as `avatarUrl`. Anything else is INVALID_MEDIA.',
        security: signedIn.security,
        body: UpdateProfileBody,
        response: { 200: json('The changed profile', UserRef), ...errorResponses(EVERY_ROUTE, SIGNED_IN, JSON_BODY, PROFILE_RULES, { 400: ['INVALID_MEDIA'] }) },
      },
    },
    async (request) => updateProfile(callerOf(request).userId, request.body, contextOf(request)),
  );

  app.get(
    '/v1/users/:handle',
    {
      config: optional.config,
      schema: {
        security: OPTIONAL_BEARER_SECURITY,
        operationId: 'getUser',
        tags,
        summary: 'A profile by handle',
        description: '`following` says whether the caller follows this user; it is present when the request is signed in.',
        params: HandleParams,
        response: { 200: json('The user', UserRef), ...errorResponses(EVERY_ROUTE, SIGNED_IN_OPTIONAL, PARAMETERS, UNKNOWN_USER) },
      },
    },
    async (request) => users.getByHandle(possibleHandle(request.params.handle), viewerOf(request), contextOf(request)),
  );

  for (const direction of ['followers', 'following'] as const) {
    app.get(
      `/v1/users/:handle/${direction}`,
      {
        config: optional.config,
        schema: {
          security: OPTIONAL_BEARER_SECURITY,
          operationId: direction === 'followers' ? 'listFollowers' : 'listFollowing',
          tags,
          summary: direction === 'followers' ? "A user's followers, newest follow first" : 'Whom a user follows, newest follow first',
          params: HandleParams,
          querystring: PageQuery,
          response: { 200: json('A page of users', UserPage), ...errorResponses(EVERY_ROUTE, SIGNED_IN_OPTIONAL, PARAMETERS, PAGED, UNKNOWN_USER) },
        },
      },
      async (request) => users.listFollows(direction, possibleHandle(request.params.handle), pageOf(request.query), viewerOf(request), contextOf(request)),
    );
  }

  for (const method of ['PUT', 'DELETE'] as const) {
    app.route({
      method,
      url: '/v1/users/me/following/:handle',
      config: signedIn.config,
      schema: {
        operationId: method === 'PUT' ? 'follow' : 'unfollow',
        tags,
        summary: method === 'PUT' ? 'Follow a user' : 'Stop following a user',
        description: 'Idempotent. Yourself is 400; an unknown handle is 404.',
        security: signedIn.security,
        params: HandleParams,
        response: { 204: NO_CONTENT, ...errorResponses(EVERY_ROUTE, SIGNED_IN, PARAMETERS, NO_BODY, UNKNOWN_USER, { 400: ['CANNOT_FOLLOW_SELF'] }) },
      },
      handler: async (request, reply) => {
        const followerId = callerOf(request).userId;
        const handle = possibleHandle(request.params.handle);
        await (method === 'PUT' ? users.follow(followerId, handle, contextOf(request)) : users.unfollow(followerId, handle, contextOf(request)));
        return reply.code(204).send();
      },
    });
  }

  app.get(
    '/v1/users/:handle/tweets',
    {
      config: optional.config,
      schema: {
        security: OPTIONAL_BEARER_SECURITY,
        operationId: 'listUserTweets',
        tags: ['users', 'tweets'],
        summary: "A user's tweets, replies included, newest first",
        params: HandleParams,
        querystring: PageQuery,
        response: { 200: json('A page of tweets', TweetPage), ...errorResponses(EVERY_ROUTE, SIGNED_IN_OPTIONAL, PARAMETERS, PAGED, UNKNOWN_USER) },
      },
    },
    async (request) => listUserTweets(possibleHandle(request.params.handle), pageOf(request.query), viewerOf(request), contextOf(request)),
  );

  app.get(
    '/v1/search/users',
    {
      config: optional.config,
      schema: {
        security: OPTIONAL_BEARER_SECURITY,
        operationId: 'searchUsers',
        tags: ['search'],
        summary: 'Users whose handle or display name starts with `q`, without regard to case',
        querystring: SearchUsersQuery,
        response: { 200: json('A page of users', UserPage), ...errorResponses(EVERY_ROUTE, SIGNED_IN_OPTIONAL, PAGED, { 400: ['INVALID_SEARCH_QUERY'] }) },
      },
    },
    async (request) => users.search(request.query.q, pageOf(request.query), viewerOf(request), contextOf(request)),
  );
}
