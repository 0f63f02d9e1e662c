import { createEvent } from '@chirp/kernel/events';
import { UserUnfollowed } from '@chirp/kernel/user-events';
import { findFollowee } from './follow-user.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { UserStore } from './ports.ts';

/** Idempotent: unfollowing someone not followed changes nothing and emits nothing. */
export function makeUnfollowUser(deps: { users: UserStore; clock: Clock }) {
  return async function unfollowUser(command: { followerId: string; followeeHandle: string }): Promise<void> {
    const followee = await findFollowee(deps.users, command.followerId, command.followeeHandle);
    await deps.users.transaction(async (tx) => {
      const sequence = await tx.deleteFollow(command.followerId, followee.id);
      if (sequence === undefined) return;
      const at = deps.clock.now();
      await tx.adjustFollowCounts(command.followerId, followee.id, -1);
      await tx.emit([
        createEvent(UserUnfollowed, { followerId: command.followerId, followeeId: followee.id, sequence, unfollowedAt: at.toISOString() }, { occurredAt: at }),
      ]);
    });
  };
}
