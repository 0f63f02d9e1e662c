import type { TweetJson } from '@chirp/kernel/api-v1';
import type { Page } from '@chirp/kernel/pagination';
import type { CallContext, HandleDirectory, PageRequest, TweetService, UserService } from './ports.ts';

/**
 * A user timeline by handle. The tweet service knows authors by id, so the handle is resolved
 * first; the mapping never changes, so after the first time it costs no call at all.
 */
export function makeListUserTweets(deps: { users: UserService; tweets: TweetService; handles: HandleDirectory }) {
  return async function listUserTweets(handle: string, page: PageRequest, viewerId: string | undefined, ctx: CallContext): Promise<Page<TweetJson>> {
    let authorId = deps.handles.get(handle);
    if (authorId === undefined) {
      // An unknown handle is a 404 here and is not remembered: it may be registered later.
      authorId = (await deps.users.getByHandle(handle, undefined, ctx)).id;
      deps.handles.remember(handle, authorId);
    }
    return deps.tweets.listByAuthor(authorId, page, viewerId, ctx);
  };
}
