import { TweetSchema } from '@chirp/kernel/api-v1';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { NotificationUseCases } from '../../use-cases/notification-use-cases.ts';
import { ListQuery, MissedPageSchema, MissedQuery, NotificationPageSchema, NotificationSchema, ReadBody, UnreadCountSchema, UserParams } from './schemas.ts';

/**
 * The notification service's API. It is internal: only the gateway calls it, and the gateway
 * alone turns an access token into the `userId` these routes take.
 */
export function registerNotificationRoutes(parent: FastifyInstance, useCases: NotificationUseCases): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(TweetSchema);
  app.addSchema(NotificationSchema);

  app.get(
    '/v1/users/:userId/notifications',
    { schema: { params: UserParams, querystring: ListQuery, response: { 200: NotificationPageSchema } } },
    async (request) => useCases.listNotifications({ recipientId: request.params.userId, ...request.query }),
  );
  app.get(
    '/v1/users/:userId/notifications/missed',
    { schema: { params: UserParams, querystring: MissedQuery, response: { 200: MissedPageSchema } } },
    async (request) => useCases.listMissedNotifications({ recipientId: request.params.userId, afterId: request.query.after, limit: request.query.limit }),
  );
  app.get('/v1/users/:userId/notifications/unread-count', { schema: { params: UserParams, response: { 200: UnreadCountSchema } } }, async (request) =>
    useCases.countUnread({ recipientId: request.params.userId }),
  );
  app.post('/v1/users/:userId/notifications/read', { schema: { params: UserParams, body: ReadBody } }, async (request, reply) => {
    await useCases.markRead({ recipientId: request.params.userId, upToId: request.body.upToId });
    return reply.code(204).send();
  });
}
