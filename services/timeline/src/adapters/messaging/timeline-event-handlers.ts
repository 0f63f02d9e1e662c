import { EventHandlerRegistry } from '@chirp/kernel/events';
import { TweetCreated, TweetDeleted } from '@chirp/kernel/tweet-events';
import { UserFollowed, UserRegistered, UserUnfollowed, UserUpdated } from '@chirp/kernel/user-events';
import type { TimelineUseCases } from '../../use-cases/timeline-use-cases.ts';
import { FanoutChunkEvent } from './fanout-chunks.ts';

/**
 * Everything on the timeline's queue: the follow graph and tweets from the user and tweet
 * topics, and the fan-out chunks the service hands itself. Profile events are acknowledged
 * and dropped; any other type goes to the dead-letter queue with a log line naming it.
 */
export function timelineEventHandlers(useCases: TimelineUseCases): EventHandlerRegistry {
  const ignore = async () => {};
  return new EventHandlerRegistry()
    .on(TweetCreated, ({ payload }) => useCases.fanOut({ tweetId: payload.tweetId, authorId: payload.authorId, createdAt: payload.createdAt }))
    .on(TweetDeleted, ({ payload }) => useCases.removeTweet({ tweetId: payload.tweetId, authorId: payload.authorId, deletedAt: payload.deletedAt }))
    .on(UserFollowed, ({ payload }) => useCases.recordFollowChange({ ...payload, following: true }))
    .on(UserUnfollowed, ({ payload }) => useCases.recordFollowChange({ ...payload, following: false }))
    .on(FanoutChunkEvent, async ({ payload }) => {
      if (payload.action === 'add') await useCases.pushToHome(payload);
      else await useCases.unpushFromHome(payload);
    })
    .on(UserRegistered, ignore)
    .on(UserUpdated, ignore);
}
