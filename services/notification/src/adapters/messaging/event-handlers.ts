import { EventHandlerRegistry } from '@chirp/kernel/events';
import { TweetCreated, TweetDeleted, TweetLiked } from '@chirp/kernel/tweet-events';
import { UserFollowed, UserRegistered, UserUpdated } from '@chirp/kernel/user-events';
import type { NotificationUseCases } from '../../use-cases/notification-use-cases.ts';

/**
 * The events on the notification queue (its SNS filter policy lets only these through): the
 * acts that notify, deletions, and the profiles that keep the handle directory. Any other type
 * is dead-lettered with a log line naming it.
 */
export function notificationEventHandlers(useCases: NotificationUseCases): EventHandlerRegistry {
  return new EventHandlerRegistry()
    .on(UserRegistered, ({ payload }) =>
      useCases.learnUser({
        id: payload.userId,
        handle: payload.handle,
        displayName: payload.displayName,
        avatarUrl: null,
        profileVersion: payload.profileVersion,
        registeredAt: new Date(payload.createdAt),
      }),
    )
    .on(UserUpdated, ({ payload }) =>
      // An event written before avatars existed has no avatarUrl: that profile had none.
      useCases.learnUser({
        id: payload.userId,
        handle: payload.handle,
        displayName: payload.displayName,
        avatarUrl: payload.avatarUrl ?? null,
        profileVersion: payload.profileVersion,
        registeredAt: null,
      }),
    )
    .on(UserFollowed, ({ payload }) => useCases.recordFollow({ followerId: payload.followerId, followeeId: payload.followeeId, at: new Date(payload.followedAt) }))
    .on(TweetCreated, ({ payload }) =>
      useCases.recordTweet({
        tweetId: payload.tweetId,
        authorId: payload.authorId,
        at: new Date(payload.createdAt),
        mentions: payload.mentions,
        replyToAuthorId: payload.replyToAuthorId ?? null,
      }),
    )
    .on(TweetDeleted, async ({ payload }) => {
      await useCases.forgetTweet({ tweetId: payload.tweetId, at: new Date(payload.deletedAt) });
    })
    .on(TweetLiked, ({ payload }) => useCases.recordLike({ tweetId: payload.tweetId, authorId: payload.authorId, userId: payload.userId, at: new Date(payload.likedAt) }));
}
