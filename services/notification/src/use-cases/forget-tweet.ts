import type { NotificationStore } from './ports.ts';

/** A deleted tweet's notifications go, and any act on it arriving later notifies no one. */
export function makeForgetTweet(deps: { store: NotificationStore }) {
  return async function forgetTweet(deletion: { tweetId: string; at: Date }): Promise<number> {
    return deps.store.forgetTweet(deletion.tweetId, deletion.at);
  };
}
