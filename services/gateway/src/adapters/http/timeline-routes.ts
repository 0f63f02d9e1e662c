import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from './authentication.ts';
import { errorResponses, EVERY_ROUTE, PAGED, SIGNED_IN } from './problems.ts';
import { BEARER_SECURITY, contextOf, type RouteDeps } from './route-context.ts';
import { json, pageOf, PageQuery, TweetPage } from './schemas.ts';

/** The home timeline. */
export function registerTimelineRoutes(parent: FastifyInstance, { timelines }: RouteDeps): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/v1/timelines/home',
    {
      config: { auth: 'required' },
      schema: {
        operationId: 'getHomeTimeline',
        tags: ['timelines'],
        summary: "The caller's own tweets and those of everyone the caller follows, newest first",
        security: BEARER_SECURITY,
        querystring: PageQuery,
        response: { 200: json('A page of tweets', TweetPage), ...errorResponses(EVERY_ROUTE, SIGNED_IN, PAGED) },
      },
    },
    async (request) => timelines.readHome(callerOf(request).userId, pageOf(request.query), contextOf(request)),
  );
}
