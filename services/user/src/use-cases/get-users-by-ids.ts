import type { UserReader } from './ports.ts';
import { type UserView, viewedBy } from './user-view.ts';

export const MAX_BATCH_IDS = 100;

/** Hydration for other services: the users that exist among `ids`, in the order asked, each once. */
export function makeGetUsersByIds(deps: { users: UserReader }) {
  return async function getUsersByIds(ids: readonly string[], viewerId?: string): Promise<UserView[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const found = new Map((await deps.users.findManyByIds(unique)).map((user) => [user.id, user]));
    const ordered = unique.flatMap((id) => found.get(id) ?? []);
    return viewedBy(ordered, viewerId, deps.users);
  };
}
