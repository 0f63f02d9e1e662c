import { EventHandlerRegistry } from '@chirp/kernel/events';
import { UserFollowed, UserRegistered, UserUnfollowed, UserUpdated } from '@chirp/kernel/user-events';
import type { TweetUseCases } from '../../use-cases/tweet-use-cases.ts';

/**
 * The user events this service listens to: they keep each author's handle and display name.
 * The follow graph is the timeline's business; those events are acknowledged and dropped
 * (not dead-lettered, as an unknown type would be).
 */
export function userEventHandlers(learnAuthor: TweetUseCases['learnAuthor']): EventHandlerRegistry {
  const learn = async ({ payload }: { payload: { userId: string; handle: string; displayName: string; profileVersion: number } }) =>
    learnAuthor({ id: payload.userId, handle: payload.handle, displayName: payload.displayName, profileVersion: payload.profileVersion });
  const ignore = async () => {};
  return new EventHandlerRegistry().on(UserRegistered, learn).on(UserUpdated, learn).on(UserFollowed, ignore).on(UserUnfollowed, ignore);
}
