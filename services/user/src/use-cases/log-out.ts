import type { Clock } from '@chirp/kernel/clock';
import type { SessionRevocations, TokenSecrets, UserStore } from './ports.ts';

/**
 * Ends the session the refresh token belongs to, whether that token is the latest or a spent
 * one, and its access tokens at every gateway. Idempotent: an unknown token or an already
 * revoked session is not an error (the revocation is announced again, in case it was lost).
 */
export function makeLogOut(deps: { users: UserStore; secrets: TokenSecrets; clock: Clock; revocations: SessionRevocations }) {
  return async function logOut(command: { refreshToken: string }): Promise<void> {
    const now = deps.clock.now();
    const revoked = await deps.users.transaction(async (tx) => {
      const token = await tx.lockRefreshToken(deps.secrets.hashOf(command.refreshToken));
      if (!token) return undefined;
      if (token.sessionRevokedAt === null) await tx.revokeSession(token.sessionId, now, 'logout');
      return { sessionId: token.sessionId, revokedAt: token.sessionRevokedAt ?? now };
    });
    // After the commit: a revocation that rolled back must not end the session's tokens.
    if (revoked) await deps.revocations.announce(revoked);
  };
}
