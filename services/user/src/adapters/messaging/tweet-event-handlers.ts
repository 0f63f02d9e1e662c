import { EventHandlerRegistry } from '@chirp/kernel/events';
import { TweetCreated, TweetDeleted } from '@chirp/kernel/tweet-events';
import type { UserUseCases } from '../../use-cases/user-use-cases.ts';

/** The tweet events this service listens to: they keep each author's tweet count. */
export function tweetEventHandlers(recordTweetFact: UserUseCases['recordTweetFact']): EventHandlerRegistry {
  return new EventHandlerRegistry()
    .on(TweetCreated, async ({ payload }) => recordTweetFact({ tweetId: payload.tweetId, authorId: payload.authorId, fact: 'created' }))
    .on(TweetDeleted, async ({ payload }) => recordTweetFact({ tweetId: payload.tweetId, authorId: payload.authorId, fact: 'deleted' }));
}
