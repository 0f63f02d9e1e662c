import type { NotificationJson } from '@chirp/kernel/api-v1';
import type { Page } from '@chirp/kernel/pagination';
import type { ServiceClient } from '@chirp/common/service-client';
import type { MergedAuthors, NotificationService } from '../use-cases/streaming-ports.ts';
import { downstreamCalls, pageQuery, segment } from './downstream-answer.ts';

/** The notification service's internal API behind the NotificationService port. */
export function createHttpNotificationService(client: ServiceClient): NotificationService {
  const send = downstreamCalls(client, 'notification');
  const base = (userId: string) => `/v1/users/${segment(userId)}/notifications`;
  return {
    list: (userId, page, ctx) =>
      send<Page<NotificationJson>>(200, { method: 'GET', path: base(userId), query: { ...pageQuery(page, undefined), types: page.types } }, ctx),
    unreadCount: (userId, ctx) => send<{ count: number }>(200, { method: 'GET', path: `${base(userId)}/unread-count` }, ctx),
    markRead: (userId, upToId, ctx) => send<void>(204, { method: 'POST', path: `${base(userId)}/read`, body: { upToId }, idempotent: true }, ctx),
    missed: (userId, afterId, limit, ctx) =>
      send<{ data: NotificationJson[]; nextAfter: string | null }>(200, { method: 'GET', path: `${base(userId)}/missed`, query: { after: afterId, limit } }, ctx),
  };
}

/** The timeline service knows who follows which high-follower author. */
export function createHttpMergedAuthors(client: ServiceClient): MergedAuthors {
  const send = downstreamCalls(client, 'timeline');
  return {
    followedBy: async (userId, ctx) =>
      (await send<{ authorIds: string[] }>(200, { method: 'GET', path: `/v1/users/${segment(userId)}/merged-authors` }, ctx)).authorIds,
  };
}
