import { likeNotification } from '../domain/notification.ts';
import type { AnnounceNotifications } from './announce-notifications.ts';
import type { IdSource } from '@chirp/kernel/ids';
import type { NotificationStore } from './ports.ts';

/** A like notifies the tweet's author, once per liker and tweet however often they like again. */
export function makeRecordLike(deps: { store: NotificationStore; ids: IdSource; announce: AnnounceNotifications }) {
  return async function recordLike(like: { tweetId: string; authorId: string; userId: string; at: Date }): Promise<void> {
    await deps.announce(await deps.store.add(likeNotification(like), deps.ids));
  };
}
