import type { TweetJson } from '@chirp/kernel/api-v1';
import type { CallContext, TweetService, UserService } from './ports.ts';

export interface Caller {
  userId: string;
  /** From the access token; tokens signed before the claim existed lack it. */
  handle: string | undefined;
}

/** Posts as the caller: the author is the token's subject, never a field of the body. */
export function makePostTweet(deps: { users: UserService; tweets: TweetService }) {
  return async function postTweet(
    caller: Caller,
    tweet: { text: string; replyToId?: string; idempotencyKey?: string; mediaIds?: string[] },
    ctx: CallContext,
  ): Promise<{ tweet: TweetJson; replayed: boolean }> {
    const authorHandle = caller.handle ?? (await deps.users.getById(caller.userId, undefined, ctx)).handle;
    return deps.tweets.post({ authorId: caller.userId, authorHandle, ...tweet }, ctx);
  };
}
