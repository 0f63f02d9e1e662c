import { type FanoutDeps, makeFanout } from './fan-out.ts';
import { makeFollowChanges } from './follow-changes.ts';
import type { TweetHydrator } from './ports.ts';
import { makeReadHomeTimeline } from './read-home-timeline.ts';

/** Fan-out's ports, and the tweet service for hydrating reads. */
export interface TimelinePorts extends FanoutDeps {
  tweets: TweetHydrator;
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
