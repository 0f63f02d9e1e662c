import { makeCreateTweet } from './create-tweet.ts';
import { makeDeleteTweet } from './delete-tweet.ts';
import { makeLearnAuthor } from './learn-authors.ts';
import { makeLikeTweet } from './like-tweet.ts';
import type { Clock, IdSource, TweetCache, TweetStore } from './ports.ts';
import { makePruneIdempotencyKeys } from './prune-idempotency-keys.ts';
import { makeReadTweets } from './read-tweets.ts';
import { makeTweetViews } from './tweet-view.ts';

export interface TweetPorts {
  tweets: TweetStore;
  cache: TweetCache;
  ids: IdSource;
  clock: Clock;
}

/** Every use case of the tweet service, made from one set of ports (real in main.ts, fakes in tests). */
export function makeTweetUseCases(ports: TweetPorts) {
  const { hydrate, present } = makeTweetViews(ports);
  return {
    createTweet: makeCreateTweet({ ...ports, hydrate, present }),
    deleteTweet: makeDeleteTweet(ports),
    ...makeLikeTweet(ports),
    ...makeReadTweets({ tweets: ports.tweets, hydrate }),
    learnAuthor: makeLearnAuthor(ports),
    pruneIdempotencyKeys: makePruneIdempotencyKeys(ports),
  };
}
export type TweetUseCases = ReturnType<typeof makeTweetUseCases>;
