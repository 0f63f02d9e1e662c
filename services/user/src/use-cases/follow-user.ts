import { createEvent } from '@chirp/kernel/events';
import { UserFollowed } from '@chirp/kernel/user-events';
import { checkFollow, parseHandle, type User } from '../domain/user.ts';
import { userNotFound } from '@chirp/kernel/errors';
import type { Clock } from '@chirp/kernel/clock';
import type { UserReader, UserStore } from './ports.ts';

/** The account to follow or unfollow: it must exist and must not be the follower. */
export async function findFollowee(users: UserReader, followerId: string, followeeHandle: string): Promise<User> {
  const followee = await users.findByHandle(parseHandle(followeeHandle));
  if (!followee) throw userNotFound();
  checkFollow(followerId, followee.id);
  return followee;
}

/** Idempotent: following someone already followed changes nothing and emits nothing. */
export function makeFollowUser(deps: { users: UserStore; clock: Clock }) {
  return async function followUser(command: { followerId: string; followeeHandle: string }): Promise<void> {
    const followee = await findFollowee(deps.users, command.followerId, command.followeeHandle);
    await deps.users.transaction(async (tx) => {
      const at = deps.clock.now();
      const sequence = await tx.insertFollow(command.followerId, followee.id, at);
      if (sequence === undefined) return;
      await tx.adjustFollowCounts(command.followerId, followee.id, 1);
      await tx.emit([
        createEvent(UserFollowed, { followerId: command.followerId, followeeId: followee.id, sequence, followedAt: at.toISOString() }, { occurredAt: at }),
      ]);
    });
  };
}
