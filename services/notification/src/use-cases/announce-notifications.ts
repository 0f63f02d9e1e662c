import type { StoredNotification } from '../domain/notification.ts';
import type { NotificationMetrics, NotificationPush, NotificationStore } from './ports.ts';
import type { PresentNotifications } from './notification-view.ts';

/**
 * What follows storing new notifications: they are counted, and pushed to the recipients
 * who have a stream open (only those are hydrated). A failed push is counted and logged by
 * the metrics adapter, never thrown: the notification is stored, and a client that missed
 * it gets it by reconnecting with Last-Event-ID or by listing.
 */
export function makeAnnounceNotifications(deps: { store: NotificationStore; push: NotificationPush; present: PresentNotifications; metrics: NotificationMetrics }) {
  return async function announce(stored: readonly StoredNotification[]): Promise<void> {
    if (stored.length === 0) return;
    const byType = new Map<StoredNotification['type'], number>();
    for (const n of stored) byType.set(n.type, (byType.get(n.type) ?? 0) + 1);
    for (const [type, count] of byType) deps.metrics.created(type, count);
    try {
      const connected = await deps.push.connected([...new Set(stored.map((n) => n.recipientId))]);
      const deliveries = [];
      for (const recipientId of connected) {
        const theirs = stored.filter((n) => n.recipientId === recipientId);
        const views = await deps.present(theirs, recipientId, await deps.store.readUpTo(recipientId));
        for (const notification of views) deliveries.push({ recipientId, notification, at: theirs.find((n) => n.id === notification.id)!.at });
      }
      await deps.push.push(deliveries);
    } catch (error) {
      deps.metrics.pushFailed(error, stored.length);
    }
  };
}
export type AnnounceNotifications = ReturnType<typeof makeAnnounceNotifications>;
