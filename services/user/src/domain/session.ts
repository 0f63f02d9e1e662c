// Login sessions and their refresh tokens: a token works once, and a spent token presented
// again means it was copied, so the whole session (every token descended from it) ends.

export interface RefreshTokenState {
  spentAt: Date | null;
  expiresAt: Date;
  sessionRevokedAt: Date | null;
  sessionExpiresAt: Date;
}

export type RefreshVerdict = 'rotate' | 'reused' | 'expired' | 'revoked';

export function judgeRefresh(token: RefreshTokenState, now: Date): RefreshVerdict {
  if (token.sessionRevokedAt !== null) return 'revoked';
  // Reuse is judged before expiry: a stolen token replayed late still ends the session.
  if (token.spentAt !== null) return 'reused';
  if (now >= token.expiresAt || now >= token.sessionExpiresAt) return 'expired';
  return 'rotate';
}

export interface SessionLifetimes {
  /** How long one refresh token stays usable if it is not spent. */
  refreshTokenTtlSeconds: number;
  /** How long a login lasts however often it is refreshed. */
  sessionMaxAgeSeconds: number;
}

/** A refresh token lives its TTL but never past the end of its session. */
export function refreshTokenExpiry(now: Date, lifetimes: SessionLifetimes, sessionExpiresAt: Date): Date {
  const ttlEnd = now.getTime() + lifetimes.refreshTokenTtlSeconds * 1000;
  return new Date(Math.min(ttlEnd, sessionExpiresAt.getTime()));
}

export const sessionExpiry = (now: Date, lifetimes: SessionLifetimes): Date => new Date(now.getTime() + lifetimes.sessionMaxAgeSeconds * 1000);
