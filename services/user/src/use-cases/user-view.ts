import type { User } from '../domain/user.ts';
import type { UserReader } from './ports.ts';

/** A user as a particular reader sees it: `following` is present when the reader is signed in. */
export type UserView = User & { following?: boolean };

/** Marks which of `users` the viewer follows, with one query for the lot. */
export async function viewedBy(users: User[], viewerId: string | undefined, reader: Pick<UserReader, 'followedAmong'>): Promise<UserView[]> {
  if (viewerId === undefined) return users;
  const others = users.filter((user) => user.id !== viewerId).map((user) => user.id);
  const followed = others.length > 0 ? await reader.followedAmong(viewerId, others) : new Set<string>();
  return users.map((user) => ({ ...user, following: followed.has(user.id) }));
}
