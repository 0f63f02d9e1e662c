import { HANDLE_PATTERN } from '@chirp/kernel/text';
import { handleKey } from '../domain/user.ts';
import { isStorableText } from '@chirp/kernel/text';
import { decodeCursor, type Page, toPage } from '@chirp/kernel/pagination';
import { invalidSearchQuery } from '@chirp/kernel/errors';
import type { UserReader } from './ports.ts';
import { type UserView, viewedBy } from './user-view.ts';

export const SEARCH_QUERY_MAX = 100;

/** Users whose handle or display name starts with `q`, without regard to case, ordered by handle. */
export function makeSearchUsers(deps: { users: UserReader }) {
  return async function searchUsers(query: { q: string; limit: number; cursor?: string | undefined; viewerId?: string | undefined }): Promise<Page<UserView>> {
    const prefix = query.q.trim().replace(/^@/, '');
    const length = [...prefix].length;
    if (length < 1 || length > SEARCH_QUERY_MAX || !isStorableText(prefix, { controls: true })) throw invalidSearchQuery(`must be 1–${SEARCH_QUERY_MAX} characters after trimming, without control characters`);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 1, (key) => HANDLE_PATTERN.test(key))[0];
    const rows = await deps.users.searchByPrefix(prefix, after, query.limit + 1);
    const page = toPage(rows, query.limit, (user) => [handleKey(user.handle)], (user) => user);
    return { data: await viewedBy(page.data, query.viewerId, deps.users), nextCursor: page.nextCursor };
  };
}
