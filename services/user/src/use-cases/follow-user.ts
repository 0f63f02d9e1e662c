import { createEvent } from '@chirp/kernel/events';
import { UserFollowed } from '@chirp/kernel/user-events';
import { checkFollow, parseHandle } from '../domain/user.ts';
import { userNotFound } from '@chirp/kernel/errors';
import type { Clock } from '@chirp/kernel/clock';
import type { UserReader, UserStore } from './ports.ts';

/** The id of the account to follow or unfollow: it must exist and must not be the follower. */
export async function findFolloweeId(users: UserReader, followerId: string, followeeHandle: string): Promise<string> {
  const followeeId = await users.idOfHandle(parseHandle(followeeHandle));
  if (followeeId === undefined) throw userNotFound();
  checkFollow(followerId, followeeId);
  return followeeId;
}

/** Idempotent: following someone already followed changes nothing and emits nothing. */
export function makeFollowUser(deps: { users: UserStore; clock: Clock }) {
  return async function followUser(command: { followerId: string; followeeHandle: string }): Promise<void> {
    const { followerId } = command;
    const followeeId = await findFolloweeId(deps.users, followerId, command.followeeHandle);
    const at = deps.clock.now();
    await deps.users.follow({
      followerId,
      followeeId,
      at,
      announce: (sequence) => createEvent(UserFollowed, { followerId, followeeId, sequence, followedAt: at.toISOString() }, { occurredAt: at }),
    });
  };
}
