import { sessionExpiry } from '../domain/session.ts';
import { HANDLE_PATTERN } from '@chirp/kernel/text';
import { PASSWORD_MAX } from '../domain/user.ts';
import { invalidCredentials } from '../domain/user-errors.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { PasswordHasher, UserStore } from './ports.ts';
import { issueSessionTokens, type SessionTokenDeps, type SignedIn } from './session-tokens.ts';

export function makeLogIn(deps: SessionTokenDeps & { users: UserStore; hasher: PasswordHasher; clock: Clock }) {
  return async function logIn(command: { handle: string; password: string }): Promise<SignedIn> {
    // Inputs no account can have get the same answer as a wrong password, after the same work.
    const plausible = HANDLE_PATTERN.test(command.handle) && [...command.password].length <= PASSWORD_MAX;
    const found = plausible ? await deps.users.findCredentials(command.handle) : undefined;
    if (!found) {
      await deps.hasher.burn(command.password.slice(0, PASSWORD_MAX * 4));
      throw invalidCredentials();
    }
    const verdict = await deps.hasher.verify(command.password, found.passwordHash);
    if (!verdict.valid) throw invalidCredentials();
    const rehashed = verdict.needsRehash ? await deps.hasher.hash(command.password) : undefined;

    const now = deps.clock.now();
    const session = { id: deps.secrets.newSessionId(), userId: found.user.id, createdAt: now, expiresAt: sessionExpiry(now, deps.lifetimes) };
    return deps.users.transaction(async (tx) => {
      if (rehashed) await tx.setPasswordHash(found.user.id, rehashed);
      await tx.createSession(session);
      return issueSessionTokens(deps, tx, session, found.user, now);
    });
  };
}
