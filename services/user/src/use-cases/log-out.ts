import type { Clock, TokenSecrets, UserStore } from './ports.ts';

/** Ends the session the refresh token belongs to. Idempotent: an unknown or spent token changes nothing and is not an error. */
export function makeLogOut(deps: { users: UserStore; secrets: TokenSecrets; clock: Clock }) {
  return async function logOut(command: { refreshToken: string }): Promise<void> {
    const now = deps.clock.now();
    await deps.users.transaction(async (tx) => {
      const token = await tx.lockRefreshToken(deps.secrets.hashOf(command.refreshToken));
      if (token && token.sessionRevokedAt === null) await tx.revokeSession(token.sessionId, now, 'logout');
    });
  };
}
