import type { StoredNotification } from '../domain/notification.ts';
import type { ActorProfile, NotificationJson, TweetHydrator, UserDirectory, UserLookup } from './ports.ts';

/**
 * Notifications as clients see them, for one viewer, hydrated in one batch per kind: actors
 * from the service's own directory (the user service only for actors it has not heard of
 * yet), tweets in one call to the tweet service. A notification whose tweet is gone (deleted
 * while its removal is on its way) is left out, as is one whose actor nobody knows.
 */
export function makePresentNotifications(deps: { users: UserDirectory; userLookup: UserLookup; tweets: TweetHydrator }) {
  return async function present(notifications: readonly StoredNotification[], viewerId: string, readUpTo: string): Promise<NotificationJson[]> {
    if (notifications.length === 0) return [];
    const actorIds = [...new Set(notifications.map((n) => n.actorId))];
    const tweetIds = [...new Set(notifications.flatMap((n) => (n.tweetId === null ? [] : [n.tweetId])))];
    const [known, tweets] = await Promise.all([deps.users.findByIds(actorIds), tweetIds.length > 0 ? deps.tweets.hydrate(tweetIds, viewerId) : []]);
    const actors = new Map<string, ActorProfile>(known.map((user) => [user.id, user]));
    const missing = actorIds.filter((id) => !actors.has(id));
    if (missing.length > 0) for (const user of await deps.userLookup.findByIds(missing)) actors.set(user.id, user);
    const tweetById = new Map(tweets.map((tweet) => [tweet.id, tweet]));
    const read = BigInt(readUpTo);
    return notifications.flatMap((n): NotificationJson[] => {
      const actor = actors.get(n.actorId);
      const tweet = n.tweetId === null ? null : tweetById.get(n.tweetId);
      if (!actor || tweet === undefined) return [];
      return [
        {
          id: n.id,
          type: n.type,
          createdAt: n.at.toISOString(),
          read: BigInt(n.id) <= read,
          actor: { id: actor.id, handle: actor.handle, displayName: actor.displayName, avatarUrl: actor.avatarUrl },
          tweet,
        },
      ];
    });
  };
}
export type PresentNotifications = ReturnType<typeof makePresentNotifications>;
