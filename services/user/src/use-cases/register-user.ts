import { createEvent } from '@chirp/kernel/events';
import { UserRegistered } from '@chirp/kernel/user-events';
import { checkPassword, parseDisplayName, parseHandle, type User } from '../domain/user.ts';
import { handleTaken } from '../domain/user-errors.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { IdSource } from '@chirp/kernel/ids';
import type { PasswordHasher, UserStore } from './ports.ts';

export interface RegisterUserCommand {
  handle: string;
  password: string;
  displayName?: string | undefined;
}

export function makeRegisterUser(deps: { users: UserStore; hasher: PasswordHasher; ids: IdSource; clock: Clock }) {
  return async function registerUser(command: RegisterUserCommand): Promise<User> {
    const handle = parseHandle(command.handle);
    const password = checkPassword(command.password);
    const displayName = parseDisplayName(command.displayName, handle);
    // Spares the hashing for a handle already taken; the unique index still decides races.
    if (await deps.users.findByHandle(handle)) throw handleTaken();
    const passwordHash = await deps.hasher.hash(password);
    const now = deps.clock.now();
    const user: User = { id: deps.ids.next(), handle, displayName, bio: '', createdAt: now, followersCount: 0, followingCount: 0, tweetCount: 0, avatarUrl: null };
    await deps.users.transaction(async (tx) => {
      await tx.insertUser(user, passwordHash);
      await tx.emit([
        createEvent(
          UserRegistered,
          { userId: user.id, handle, displayName, bio: '', profileVersion: 1, createdAt: now.toISOString() },
          { occurredAt: now },
        ),
      ]);
    });
    return user;
  };
}
