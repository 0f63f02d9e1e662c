import { parseHandle } from '../domain/user.ts';
import { userNotFound } from '@chirp/kernel/errors';
import type { UserReader } from './ports.ts';
import { type UserView, viewedBy } from './user-view.ts';

export type UserLookup = { id: string } | { handle: string };

export function makeGetUser(deps: { users: UserReader }) {
  return async function getUser(lookup: UserLookup, viewerId?: string): Promise<UserView> {
    const user = 'id' in lookup ? await deps.users.findById(lookup.id) : await deps.users.findByHandle(parseHandle(lookup.handle));
    if (!user) throw userNotFound();
    const [view] = await viewedBy([user], viewerId, deps.users);
    return view!;
  };
}
