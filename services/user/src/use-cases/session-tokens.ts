import { refreshTokenExpiry, type SessionLifetimes } from '../domain/session.ts';
import type { User } from '../domain/user.ts';
import type { AccessTokenIssuer, TokenSecrets, UserTransaction } from './ports.ts';

export interface SessionTokenDeps {
  issuer: AccessTokenIssuer;
  secrets: TokenSecrets;
  lifetimes: SessionLifetimes;
}

/** What login and refresh answer. */
export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: User;
}

/** Adds a fresh refresh token to the session (in the caller's transaction) and signs an access token for it. */
export async function issueSessionTokens(
  deps: SessionTokenDeps,
  tx: UserTransaction,
  session: { id: string; expiresAt: Date },
  user: User,
  now: Date,
): Promise<SignedIn> {
  const refresh = deps.secrets.newRefreshToken();
  await tx.addRefreshToken({ hash: refresh.hash, sessionId: session.id, issuedAt: now, expiresAt: refreshTokenExpiry(now, deps.lifetimes, session.expiresAt) });
  const access = deps.issuer.issue({ userId: user.id, sessionId: session.id, handle: user.handle });
  return { accessToken: access.accessToken, refreshToken: refresh.token, tokenType: 'Bearer', expiresIn: access.expiresInSeconds, user };
}
