import { createEvent } from '@chirp/kernel/events';
import { UserUpdated } from '@chirp/kernel/user-events';
import { parseBio, parseDisplayName, type User } from '../domain/user.ts';
import { userNotFound } from '@chirp/kernel/errors';
import type { Clock } from '@chirp/kernel/clock';
import type { UserStore } from './ports.ts';

export interface UpdateProfileCommand {
  userId: string;
  displayName?: string | undefined;
  bio?: string | undefined;
}

/** Changes display name and bio; a change that changes nothing writes nothing and emits nothing. */
export function makeUpdateProfile(deps: { users: UserStore; clock: Clock }) {
  return async function updateProfile(command: UpdateProfileCommand): Promise<User> {
    const displayName = command.displayName === undefined ? undefined : parseDisplayName(command.displayName, '');
    const bio = command.bio === undefined ? undefined : parseBio(command.bio);
    return deps.users.transaction(async (tx) => {
      const current = await tx.lockUser(command.userId);
      if (!current) throw userNotFound();
      const { profileVersion, ...user } = current;
      const next = { ...user, displayName: displayName ?? user.displayName, bio: bio ?? user.bio };
      if (next.displayName === user.displayName && next.bio === user.bio) return user;
      const updatedAt = deps.clock.now();
      const version = profileVersion + 1;
      await tx.saveProfile(user.id, { displayName: next.displayName, bio: next.bio, profileVersion: version, updatedAt });
      await tx.emit([
        createEvent(
          UserUpdated,
          { userId: user.id, handle: user.handle, displayName: next.displayName, bio: next.bio, profileVersion: version, updatedAt: updatedAt.toISOString() },
          { occurredAt: updatedAt },
        ),
      ]);
      return next;
    });
  };
}
