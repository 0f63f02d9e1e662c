import { NotificationSchema } from '@chirp/kernel/api-v1';
import { ID_PATTERN } from '@chirp/kernel/id-schema';
import { pageSchema } from '@chirp/kernel/pagination';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { NotificationService } from '../../use-cases/streaming-ports.ts';
import { callerOf } from './authentication.ts';
import { errorResponses, EVERY_ROUTE, JSON_BODY, NO_BODY, PAGED, SIGNED_IN } from './problems.ts';
import { BEARER_SECURITY, contextOf } from './route-context.ts';
import { ENFORCED, json, NO_CONTENT, NOTIFICATION_TYPES_PATTERN, pageOf, PageQuery } from './schemas.ts';

const NotificationQuery = Type.Object(
  {
    ...PageQuery.properties,
    types: Type.Optional(Type.String({ maxLength: 200, description: 'Comma-separated, any of: follow, mention, reply, like', [ENFORCED]: { pattern: NOTIFICATION_TYPES_PATTERN } })),
  },
  { additionalProperties: false },
);
// The notification service answers a bad one with its own code (INVALID_NOTIFICATION_ID), so the rule is stated, not validated here.
const ReadBody = Type.Object(
  { upToId: Type.String({ maxLength: 32, description: 'A notification id: every notification with an id up to it is read', [ENFORCED]: { pattern: ID_PATTERN } }) },
  { additionalProperties: false },
);

/** The caller's notifications: list, unread count, mark read (../shared/api/v1.md, "Additions"). */
export function registerNotificationRoutes(parent: FastifyInstance, notifications: NotificationService): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(NotificationSchema);
  const common = { config: { auth: 'required' as const }, tags: ['notifications'], security: BEARER_SECURITY };
  app.get(
    '/v1/notifications',
    {
      config: common.config,
      schema: {
        operationId: 'listNotifications',
        tags: common.tags,
        summary: "The caller's notifications, newest first",
        security: common.security,
        querystring: NotificationQuery,
        response: { 200: json('A page of notifications', pageSchema(Type.Ref(NotificationSchema))), ...errorResponses(EVERY_ROUTE, SIGNED_IN, PAGED, { 400: ['INVALID_NOTIFICATION_TYPES'] }) },
      },
    },
    async (request) => notifications.list(callerOf(request).userId, { ...pageOf(request.query), types: request.query.types }, contextOf(request)),
  );
  app.get(
    '/v1/notifications/unread-count',
    {
      config: common.config,
      schema: {
        operationId: 'countUnreadNotifications',
        tags: common.tags,
        summary: 'How many of the caller\'s notifications are unread: exact up to 1,000, then 1,000',
        security: common.security,
        response: { 200: json('The count', Type.Object({ count: Type.Integer({ minimum: 0 }) })), ...errorResponses(EVERY_ROUTE, SIGNED_IN, NO_BODY) },
      },
    },
    async (request) => notifications.unreadCount(callerOf(request).userId, contextOf(request)),
  );
  app.post(
    '/v1/notifications/read',
    {
      config: common.config,
      schema: {
        operationId: 'markNotificationsRead',
        tags: common.tags,
        summary: 'Marks every notification of the caller with an id up to upToId as read',
        security: common.security,
        body: ReadBody,
        response: { 204: NO_CONTENT, ...errorResponses(EVERY_ROUTE, SIGNED_IN, JSON_BODY, { 400: ['INVALID_NOTIFICATION_ID'] }) },
      },
    },
    async (request, reply) => {
      await notifications.markRead(callerOf(request).userId, request.body.upToId, contextOf(request));
      return reply.code(204).send();
    },
  );
}
