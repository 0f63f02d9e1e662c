import { decodeIdCursor, type Page, toPage } from '@chirp/kernel/pagination';
import { parseHandle } from '../domain/user.ts';
import { userNotFound } from '@chirp/kernel/errors';
import type { UserReader } from './ports.ts';
import { type UserView, viewedBy } from './user-view.ts';

export interface ListFollowsQuery {
  /** `followers`: who follows the user; `following`: whom the user follows. */
  direction: 'followers' | 'following';
  handle: string;
  limit: number;
  cursor?: string | undefined;
  viewerId?: string | undefined;
}

/** A page of followers or followees, newest follow first; the cursor is the last follow's sequence. */
export function makeListFollows(deps: { users: UserReader }) {
  return async function listFollows(query: ListFollowsQuery): Promise<Page<UserView>> {
    const after = decodeIdCursor(query.cursor);
    const user = await deps.users.findByHandle(parseHandle(query.handle));
    if (!user) throw userNotFound();
    const rows =
      query.direction === 'followers'
        ? await deps.users.listFollowers(user.id, after, query.limit + 1)
        : await deps.users.listFollowing(user.id, after, query.limit + 1);
    const page = toPage(rows, query.limit, (row) => [row.sequence], (row) => row.user);
    return { data: await viewedBy(page.data, query.viewerId, deps.users), nextCursor: page.nextCursor };
  };
}
