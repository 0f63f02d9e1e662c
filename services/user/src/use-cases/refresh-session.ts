import { judgeRefresh } from '../domain/session.ts';
import { invalidRefreshToken, refreshTokenExpired, refreshTokenReused, sessionRevoked } from '../domain/user-errors.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { SessionRevocations, UserStore } from './ports.ts';
import { issueSessionTokens, type SessionTokenDeps, type SignedIn } from './session-tokens.ts';

/**
 * Spends a refresh token for a new one. A token presented a second time means two parties
 * hold it: the session is revoked (committed) with its access tokens at every gateway, and the
 * caller gets 401.
 */
export function makeRefreshSession(deps: SessionTokenDeps & { users: UserStore; clock: Clock; revocations: SessionRevocations }) {
  return async function refreshSession(command: { refreshToken: string }): Promise<SignedIn> {
    const now = deps.clock.now();
    const hash = deps.secrets.hashOf(command.refreshToken);
    const outcome = await deps.users.transaction(async (tx) => {
      const token = await tx.lockRefreshToken(hash);
      if (!token) return { verdict: 'unknown' as const };
      const verdict = judgeRefresh(token, now);
      if (verdict === 'reused') await tx.revokeSession(token.sessionId, now, 'refresh_token_reuse');
      if (verdict === 'reused' || verdict === 'revoked') return { verdict, revoked: { sessionId: token.sessionId, revokedAt: token.sessionRevokedAt ?? now } };
      if (verdict !== 'rotate') return { verdict };
      // Unlocked (locking the user row would queue refreshes behind every follow of a busy
      // account), but on the transaction's connection: a second one from the pool could wait on itself.
      const user = await tx.readUser(token.userId);
      if (!user) return { verdict: 'unknown' as const };
      await tx.spendRefreshToken(hash, now);
      return { verdict, signedIn: await issueSessionTokens(deps, tx, { id: token.sessionId, expiresAt: token.sessionExpiresAt }, user, now) };
    });
    if ('revoked' in outcome && outcome.revoked) await deps.revocations.announce(outcome.revoked);
    switch (outcome.verdict) {
      case 'rotate':
        return outcome.signedIn;
      case 'reused':
        throw refreshTokenReused();
      case 'revoked':
        throw sessionRevoked();
      case 'expired':
        throw refreshTokenExpired();
      case 'unknown':
        throw invalidRefreshToken();
    }
  };
}
