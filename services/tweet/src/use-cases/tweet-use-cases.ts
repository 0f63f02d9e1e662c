import { makeCreateTweet } from './create-tweet.ts';
import { makeDeleteTweet } from './delete-tweet.ts';
import { makeLearnAuthor } from './learn-authors.ts';
import { makeGetTweet } from './get-tweet.ts';
import { makeGetTweets } from './get-tweets.ts';
import { makeListAuthorTweets } from './list-author-tweets.ts';
import { makeListReplies } from './list-replies.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { IdSource } from '@chirp/kernel/ids';
import { makeGetMedia } from './get-media.ts';
import type { ImageInspector, MediaStorage, MediaStore, TweetCache, TweetStore } from './ports.ts';
import { makeRequestMediaUpload } from './request-media-upload.ts';
import { makeSweepMedia } from './sweep-media.ts';
import { makeUseMediaAsAvatar } from './use-media-as-avatar.ts';
import { makeFindVerified } from './find-verified-media.ts';
import { makeVerifyMedia } from './verify-media.ts';
import { makeVerifyPendingMedia } from './verify-pending-media.ts';
import { makePruneIdempotencyKeys } from './prune-idempotency-keys.ts';
import { makeSearchTweets } from './search-tweets.ts';
import { makeSetLike } from './set-like.ts';
import { tweetViews } from './tweet-view.ts';

export interface TweetPorts {
  tweets: TweetStore;
  cache: TweetCache;
  ids: IdSource;
  clock: Clock;
  media: MediaStore;
  storage: MediaStorage;
  images: ImageInspector;
  /** How long an upload form stays valid. */
  uploadExpirySeconds: number;
  /** How often pending uploads are verified: a pass leaves the ones another pass claimed within this alone. */
  verifyIntervalMs: number;
}

/** Every use case of the tweet service, made from one set of ports (real in main.ts, fakes in tests). */
export function makeTweetUseCases(ports: TweetPorts) {
  const { hydrate, present } = tweetViews(ports);
  const verifyMedia = makeVerifyMedia(ports);
  const findVerified = makeFindVerified({ media: ports.media, verifyMedia });
  return {
    createTweet: makeCreateTweet({ ...ports, hydrate, present, findVerified }),
    deleteTweet: makeDeleteTweet(ports),
    setLike: makeSetLike(ports),
    getTweet: makeGetTweet({ hydrate }),
    getTweets: makeGetTweets({ hydrate }),
    listAuthorTweets: makeListAuthorTweets({ tweets: ports.tweets, hydrate }),
    listReplies: makeListReplies({ tweets: ports.tweets, hydrate }),
    searchTweets: makeSearchTweets({ tweets: ports.tweets, hydrate }),
    learnAuthor: makeLearnAuthor(ports),
    pruneIdempotencyKeys: makePruneIdempotencyKeys(ports),
    requestMediaUpload: makeRequestMediaUpload(ports),
    getMedia: makeGetMedia({ findVerified }),
    verifyPendingMedia: makeVerifyPendingMedia({ ...ports, verifyMedia }),
    sweepMedia: makeSweepMedia(ports),
    useMediaAsAvatar: makeUseMediaAsAvatar({ media: ports.media, findVerified }),
  };
}
export type TweetUseCases = ReturnType<typeof makeTweetUseCases>;
