import { makeListUserTweets } from './list-user-tweets.ts';
import { makePostTweet } from './post-tweet.ts';
import type { HandleDirectory, TweetService, UserService } from './ports.ts';

/**
 * Where the gateway composes calls: posting (the author's handle from the token, else the user
 * service) and a user timeline by handle (handle → id, remembered). Every other route forwards to
 * the one service that owns the answer (`likedByMe` and `following` are computed there, from the
 * viewer id), calling its port from the route: no use case stands in between only to forward.
 */
export function makeGatewayUseCases(ports: { users: UserService; tweets: TweetService; handles: HandleDirectory }) {
  return {
    listUserTweets: makeListUserTweets(ports),
    postTweet: makePostTweet(ports),
  };
}
export type GatewayUseCases = ReturnType<typeof makeGatewayUseCases>;
