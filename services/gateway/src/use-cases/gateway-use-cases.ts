import { makeListUserTweets } from './list-user-tweets.ts';
import { makePostTweet } from './post-tweet.ts';
import type { HandleDirectory, MediaService, TweetService, UserService } from './ports.ts';
import { makeUpdateProfile } from './update-profile.ts';

/**
 * Where the gateway composes calls: posting (the author's handle from the token, else the user
 * service), a user timeline by handle (handle → id, remembered) and a profile change with an
 * avatar (the media checked by the tweet service, its URL stored by the user service). Every other route forwards to
 * the one service that owns the answer (`likedByMe` and `following` are computed there, from the
 * viewer id), calling its port from the route: no use case stands in between only to forward.
 */
export function makeGatewayUseCases(ports: { users: UserService; tweets: TweetService; media: MediaService; handles: HandleDirectory }) {
  return {
    listUserTweets: makeListUserTweets(ports),
    postTweet: makePostTweet(ports),
    updateProfile: makeUpdateProfile(ports),
  };
}
export type GatewayUseCases = ReturnType<typeof makeGatewayUseCases>;
