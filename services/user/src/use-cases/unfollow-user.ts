import { createEvent } from '@chirp/kernel/events';
import { UserUnfollowed } from '@chirp/kernel/user-events';
import { findFolloweeId } from './follow-user.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { UserStore } from './ports.ts';

/** Idempotent: unfollowing someone not followed changes nothing and emits nothing. */
export function makeUnfollowUser(deps: { users: UserStore; clock: Clock }) {
  return async function unfollowUser(command: { followerId: string; followeeHandle: string }): Promise<void> {
    const followeeId = await findFolloweeId(deps.users, command.followerId, command.followeeHandle);
    await deps.users.transaction(async (tx) => {
      const sequence = await tx.deleteFollow(command.followerId, followeeId);
      if (sequence === undefined) return;
      const at = deps.clock.now();
      await tx.emit([
        createEvent(UserUnfollowed, { followerId: command.followerId, followeeId, sequence, unfollowedAt: at.toISOString() }, { occurredAt: at }),
      ]);
    });
  };
}
