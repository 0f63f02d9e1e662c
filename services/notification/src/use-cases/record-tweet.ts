import { handleKey, tweetNotifications } from '../domain/notification.ts';
import type { AnnounceNotifications } from './announce-notifications.ts';
import type { IdSource } from '@chirp/kernel/ids';
import type { NotificationStore, UserDirectory } from './ports.ts';

/**
 * A new tweet notifies the users it mentions and, for a reply, the parent's author. Handles
 * are resolved in the service's own directory. A handle it does not know yet is held: the
 * user's registration may be on its way on the other topic, and `learnUser` finishes the job.
 */
export function makeRecordTweet(deps: { store: NotificationStore; users: UserDirectory; ids: IdSource; announce: AnnounceNotifications }) {
  return async function recordTweet(tweet: { tweetId: string; authorId: string; at: Date; mentions: readonly string[]; replyToAuthorId: string | null }): Promise<void> {
    const handles = [...new Map(tweet.mentions.map((handle) => [handleKey(handle), handle])).values()];
    const known = handles.length > 0 ? await deps.users.findByHandles(handles) : [];
    const knownKeys = new Set(known.map((user) => handleKey(user.handle)));
    const unknown = handles.filter((handle) => !knownKeys.has(handleKey(handle)));
    if (unknown.length > 0) await deps.users.hold(unknown.map((handle) => ({ handle, tweetId: tweet.tweetId, actorId: tweet.authorId, at: tweet.at })));
    const candidates = tweetNotifications({ ...tweet, mentionedUserIds: known.map((user) => user.id) });
    await deps.announce(await deps.store.add(candidates, deps.ids));
  };
}
