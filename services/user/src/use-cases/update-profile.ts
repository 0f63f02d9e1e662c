import { createEvent } from '@chirp/kernel/events';
import { UserUpdated } from '@chirp/kernel/user-events';
import { parseAvatarUrl, parseBio, parseDisplayName, type User } from '../domain/user.ts';
import { userNotFound } from '@chirp/kernel/errors';
import type { Clock } from '@chirp/kernel/clock';
import type { UserStore } from './ports.ts';

export interface UpdateProfileCommand {
  userId: string;
  displayName?: string | undefined;
  bio?: string | undefined;
  /** A ready media's URL, which the gateway had the tweet service check and keep as an avatar. */
  avatarUrl?: string | undefined;
}

/** Changes display name, bio and avatar; a change that changes nothing writes nothing and emits nothing. */
export function makeUpdateProfile(deps: { users: UserStore; clock: Clock }) {
  return async function updateProfile(command: UpdateProfileCommand): Promise<User> {
    const displayName = command.displayName === undefined ? undefined : parseDisplayName(command.displayName, '');
    const bio = command.bio === undefined ? undefined : parseBio(command.bio);
    const avatarUrl = command.avatarUrl === undefined ? undefined : parseAvatarUrl(command.avatarUrl);
    return deps.users.transaction(async (tx) => {
      const current = await tx.lockUser(command.userId);
      if (!current) throw userNotFound();
      const { profileVersion, ...user } = current;
      const next = { ...user, displayName: displayName ?? user.displayName, bio: bio ?? user.bio, avatarUrl: avatarUrl ?? user.avatarUrl };
      if (next.displayName === user.displayName && next.bio === user.bio && next.avatarUrl === user.avatarUrl) return user;
      const updatedAt = deps.clock.now();
      const version = profileVersion + 1;
      await tx.saveProfile(user.id, { displayName: next.displayName, bio: next.bio, avatarUrl: next.avatarUrl, profileVersion: version, updatedAt });
      await tx.emit([
        createEvent(
          UserUpdated,
          {
            userId: user.id,
            handle: user.handle,
            displayName: next.displayName,
            bio: next.bio,
            avatarUrl: next.avatarUrl,
            profileVersion: version,
            updatedAt: updatedAt.toISOString(),
          },
          { occurredAt: updatedAt },
        ),
      ]);
      return next;
    });
  };
}
