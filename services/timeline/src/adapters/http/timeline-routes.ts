import { IdString } from '@chirp/kernel/id-schema';
import { PageQuerySchema } from '@chirp/kernel/pagination';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TimelineUseCases } from '../../use-cases/timeline-use-cases.ts';

const Params = Type.Object({ userId: IdString() }, { additionalProperties: false });

/**
 * The timeline's API. It is internal: only the gateway calls it, with the reader's id from the
 * access token. Tweets come back as the tweet service hydrated them.
 */
export function registerTimelineRoutes(parent: FastifyInstance, useCases: TimelineUseCases): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/v1/users/:userId/home', { schema: { params: Params, querystring: PageQuerySchema } }, async (request) =>
    useCases.readHomeTimeline({ readerId: request.params.userId, ...request.query, requestId: request.id }),
  );
  app.get('/v1/users/:userId/merged-authors', { schema: { params: Params } }, async (request) => ({
    authorIds: await useCases.listMergedAuthors(request.params.userId),
  }));
}
