import { type FanoutSettings, makeFanout } from './fan-out.ts';
import { makeFollowChanges } from './follow-changes.ts';
import type { Clock, FanoutMetrics, FanoutQueue, FollowGraph, HighFollowerAuthors, TimelineCache, TimelineStore, TweetHydrator } from './ports.ts';
import { makeReadHomeTimeline } from './read-home-timeline.ts';

export interface TimelinePorts {
  graph: FollowGraph;
  store: TimelineStore;
  cache: TimelineCache;
  highFollowers: HighFollowerAuthors;
  queue: FanoutQueue;
  metrics: FanoutMetrics;
  tweets: TweetHydrator;
  clock: Clock;
  settings: FanoutSettings;
}

/** Every use case of the timeline service, made from one set of ports (real in main.ts, fakes in tests). */
export function makeTimelineUseCases(ports: TimelinePorts) {
  const fanout = makeFanout(ports);
  return {
    tweetCreated: fanout.tweetCreated,
    tweetDeleted: fanout.tweetDeleted,
    deliverChunk: fanout.deliver,
    followChanged: makeFollowChanges(ports),
    readHomeTimeline: makeReadHomeTimeline(ports),
  };
}
export type TimelineUseCases = ReturnType<typeof makeTimelineUseCases>;
