import { UNREAD_COUNT_CAP } from '../domain/notification.ts';
import type { NotificationStore } from './ports.ts';

/** Unread notifications, exact up to UNREAD_COUNT_CAP; the store reads at most that many index entries. */
export function makeCountUnread(deps: { store: NotificationStore }) {
  return async function countUnread(query: { recipientId: string }): Promise<{ count: number }> {
    return { count: await deps.store.countUnread(query.recipientId, UNREAD_COUNT_CAP) };
  };
}
