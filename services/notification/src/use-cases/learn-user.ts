import { tweetNotifications } from '../domain/notification.ts';
import type { AnnounceNotifications } from './announce-notifications.ts';
import type { IdSource } from '@chirp/kernel/ids';
import type { KnownUser, NotificationStore, UserDirectory } from './ports.ts';

/**
 * Keeps the directory of handles and names from user events (the highest profile version
 * wins, so repeated and late events change nothing). A registration also settles the
 * mentions held for its handle: those written after the account existed notify it now; those
 * written before it (a handle nobody had) notify no one.
 */
export function makeLearnUser(deps: { store: NotificationStore; users: UserDirectory; ids: IdSource; announce: AnnounceNotifications }) {
  return async function learnUser(user: KnownUser): Promise<void> {
    await deps.users.save(user);
    if (user.registeredAt === null) return;
    const held = await deps.users.findHeld(user.handle);
    if (held.length === 0) return;
    const registeredAt = user.registeredAt.getTime();
    const candidates = held
      .filter((mention) => mention.at.getTime() >= registeredAt)
      .flatMap((mention) => tweetNotifications({ tweetId: mention.tweetId, authorId: mention.actorId, at: mention.at, mentionedUserIds: [user.id], replyToAuthorId: null }));
    await deps.announce(await deps.store.add(candidates, deps.ids));
    // Released only once stored: a failure before here leaves them held for the event's retry.
    await deps.users.release(user.handle, held.map((mention) => mention.tweetId));
  };
}
