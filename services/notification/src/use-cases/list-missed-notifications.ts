import { parseNotificationId } from '../domain/notification.ts';
import type { PresentNotifications } from './notification-view.ts';
import type { NotificationJson, NotificationStore } from './ports.ts';

/**
 * What a stream missed: the caller's notifications after `afterId`, oldest first, hydrated.
 * `nextAfter` is the last stored id read (null when there is no more), so the gateway pages
 * on without a gap even when hydration left some out.
 */
export function makeListMissedNotifications(deps: { store: NotificationStore; present: PresentNotifications }) {
  return async function listMissedNotifications(query: { recipientId: string; afterId: string; limit: number }): Promise<{ data: NotificationJson[]; nextAfter: string | null }> {
    const afterId = parseNotificationId(query.afterId);
    const [rows, readUpTo] = await Promise.all([deps.store.listAfter(query.recipientId, afterId, query.limit + 1), deps.store.readUpTo(query.recipientId)]);
    const shown = rows.slice(0, query.limit);
    const data = await deps.present(shown, query.recipientId, readUpTo);
    return { data, nextAfter: rows.length > query.limit ? shown.at(-1)!.id : null };
  };
}
