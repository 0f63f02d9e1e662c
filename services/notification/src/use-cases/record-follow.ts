import { followNotification } from '../domain/notification.ts';
import type { AnnounceNotifications } from './announce-notifications.ts';
import type { IdSource } from '@chirp/kernel/ids';
import type { NotificationStore } from './ports.ts';

/** A follow notifies the followed user, once per pair however often they follow again. */
export function makeRecordFollow(deps: { store: NotificationStore; ids: IdSource; announce: AnnounceNotifications }) {
  return async function recordFollow(follow: { followerId: string; followeeId: string; at: Date }): Promise<void> {
    await deps.announce(await deps.store.add(followNotification(follow), deps.ids));
  };
}
