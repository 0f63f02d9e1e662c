import { decodeIdCursor, type Page, toPage } from '@chirp/kernel/pagination';
import { parseTypes } from '../domain/notification.ts';
import type { PresentNotifications } from './notification-view.ts';
import type { NotificationJson, NotificationStore } from './ports.ts';

/** A keyset page of the caller's notifications, newest first, optionally of some types only, hydrated in one batch. */
export function makeListNotifications(deps: { store: NotificationStore; present: PresentNotifications }) {
  return async function listNotifications(query: { recipientId: string; limit: number; cursor?: string | undefined; types?: string | undefined }): Promise<Page<NotificationJson>> {
    const types = parseTypes(query.types);
    const before = decodeIdCursor(query.cursor);
    const [rows, readUpTo] = await Promise.all([
      deps.store.listNewest(query.recipientId, { before, types, limit: query.limit + 1 }),
      deps.store.readUpTo(query.recipientId),
    ]);
    // The cursor is the last stored row of the page, so a row left out by hydration never repeats or skips one.
    const page = toPage(rows, query.limit, (row) => [row.id], (row) => row);
    return { data: await deps.present(page.data, query.recipientId, readUpTo), nextCursor: page.nextCursor };
  };
}
