import type { Clock, TokenSecrets, UserStore } from './ports.ts';

/**
 * Ends the session the refresh token belongs to, whether that token is the latest or a spent
 * one. Idempotent: an unknown token or an already revoked session is not an error.
 */
export function makeLogOut(deps: { users: UserStore; secrets: TokenSecrets; clock: Clock }) {
  return async function logOut(command: { refreshToken: string }): Promise<void> {
    const now = deps.clock.now();
    await deps.users.transaction(async (tx) => {
      const token = await tx.lockRefreshToken(deps.secrets.hashOf(command.refreshToken));
      if (token && token.sessionRevokedAt === null) await tx.revokeSession(token.sessionId, now, 'logout');
    });
  };
}
