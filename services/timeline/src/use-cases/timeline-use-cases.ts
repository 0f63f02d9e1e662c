import type { FanoutSettings } from '../domain/timeline.ts';
import { makeFanOut } from './fan-out.ts';
import { makeListMergedAuthors } from './list-merged-authors.ts';
import { makeMergeIntoHome } from './merge-into-home.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { AuthorTweetStore, DeletedTweets, FanoutMetrics, FanoutQueue, FollowGraph, HighFollowerAuthors, HomeTimelineStore, LiveUpdates, TimelineCache, TweetHydrator } from './ports.ts';
import { makePushToHome } from './push-to-home.ts';
import { makeReadHomeTimeline } from './read-home-timeline.ts';
import { makeRecordFollowChange } from './record-follow-change.ts';
import { makeRemoveTweet } from './remove-tweet.ts';
import { makeUnmergeFromHome } from './unmerge-from-home.ts';
import { makeUnpushFromHome } from './unpush-from-home.ts';

/** Every port of the timeline service: one per store concern, the cache, the queue, the tweet service. */
export interface TimelinePorts {
  homeTimelines: HomeTimelineStore;
  authorTweets: AuthorTweetStore;
  deleted: DeletedTweets;
  graph: FollowGraph;
  cache: TimelineCache;
  highFollowers: HighFollowerAuthors;
  queue: FanoutQueue;
  metrics: FanoutMetrics;
  tweets: TweetHydrator;
  clock: Clock;
  settings: FanoutSettings;
  /** Streams of online readers; absent: nobody is told (tests and benchmarks of the stores). */
  live?: LiveUpdates;
}

const NOBODY_LISTENING: LiveUpdates = {
  entered: async () => {},
  left: async () => {},
  enteredHome: async () => {},
  leftHome: async () => {},
  mergedAuthorFollowed: async () => {},
  mergedAuthorPosted: async () => {},
  mergedAuthorDeleted: async () => {},
};

/** Every use case of the timeline service, made from one set of ports (real in main.ts, fakes in tests). */
export function makeTimelineUseCases(given: TimelinePorts) {
  const ports = { ...given, live: given.live ?? NOBODY_LISTENING };
  const unpushFromHome = makeUnpushFromHome(ports);
  const pushToHome = makePushToHome({ ...ports, unpushFromHome });
  const mergeIntoHome = makeMergeIntoHome(ports);
  const unmergeFromHome = makeUnmergeFromHome(ports);
  return {
    fanOut: makeFanOut({ ...ports, pushToHome }),
    removeTweet: makeRemoveTweet({ ...ports, unpushFromHome }),
    pushToHome,
    unpushFromHome,
    recordFollowChange: makeRecordFollowChange({ ...ports, mergeIntoHome, unmergeFromHome }),
    readHomeTimeline: makeReadHomeTimeline(ports),
    listMergedAuthors: makeListMergedAuthors(ports),
  };
}
export type TimelineUseCases = ReturnType<typeof makeTimelineUseCases>;
