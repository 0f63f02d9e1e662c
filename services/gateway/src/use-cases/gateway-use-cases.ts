import { makeListUserTweets } from './list-user-tweets.ts';
import { makePostTweet } from './post-tweet.ts';
import type { HandleDirectory, TimelineService, TweetService, UserService } from './ports.ts';

export interface GatewayPorts {
  users: UserService;
  tweets: TweetService;
  timelines: TimelineService;
  handles: HandleDirectory;
}

/**
 * What the public routes call. Most routes forward to the one service that owns the answer
 * (`likedByMe` and `following` are computed where likes and follows live, from the viewer id);
 * the use cases are where the gateway itself composes.
 */
export function makeGatewayUseCases(ports: GatewayPorts) {
  return {
    users: ports.users,
    tweets: ports.tweets,
    timelines: ports.timelines,
    listUserTweets: makeListUserTweets(ports),
    postTweet: makePostTweet(ports),
  };
}
export type GatewayUseCases = ReturnType<typeof makeGatewayUseCases>;
