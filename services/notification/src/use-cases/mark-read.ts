import { parseNotificationId } from '../domain/notification.ts';
import type { NotificationStore } from './ports.ts';

/** Every notification of the caller with an id up to `upToId` is read; a lower mark than one already set changes nothing. */
export function makeMarkRead(deps: { store: NotificationStore }) {
  return async function markRead(command: { recipientId: string; upToId: string }): Promise<void> {
    await deps.store.markRead(command.recipientId, parseNotificationId(command.upToId));
  };
}
