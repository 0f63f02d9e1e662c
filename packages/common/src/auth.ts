import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { DomainError } from '@chirp/kernel/errors';

/** The only signature algorithm access tokens may use; pinned so `none` and HS* confusion are impossible. */
export const ACCESS_TOKEN_ALGORITHM = 'RS256';

export interface AccessTokenClaims {
  /** The user id, the only source of the caller's identity. */
  userId: string;
  /** The login session the token belongs to; revoking the session ends the token. */
  sessionId: string;
  /** The caller's handle (handles never change); absent from tokens signed before it was added. */
  handle: string | undefined;
  expiresAt: Date;
}

export interface Jwk extends JsonWebKey {
  kid?: string;
  alg?: string;
  use?: string;
}

/** Finds the public key for a `kid`; resolves undefined when it is not known. */
export interface PublicKeyResolver {
  keyFor(kid: string): Promise<KeyObject | undefined>;
}

export class InvalidTokenError extends DomainError {
  constructor(reason: string) {
    super('unauthenticated', 'INVALID_TOKEN', `The access token is not valid: ${reason}.`);
  }
}

export interface AccessTokenVerifierOptions {
  keys: PublicKeyResolver;
  issuer: string;
  audience: string;
  clockToleranceSeconds?: number;
  /** Tokens whose verified claims are kept (by the whole token, signature included) until they expire. */
  cacheSize?: number;
  /** Whether a session was signed out or revoked; asked on every call, so a cached token ends with its session. */
  isRevoked?: (sessionId: string) => boolean;
}

/**
 * Verifies a bearer access token: RS256 only, issuer, audience, exp and nbf checked, `sub`
 * required. A client sends the same token for minutes, so a verified token's claims are kept,
 * keyed by the exact token text (a changed byte is another key and is verified afresh), and
 * served until the token expires: the RSA check and the parsing were a seventh of the gateway's
 * CPU under load. A revoked session is checked on every call, cached or not.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions) {
  const tolerance = options.clockToleranceSeconds ?? 5;
  const cacheSize = options.cacheSize ?? 10_000;
  const isRevoked = options.isRevoked ?? (() => false);
  const verified = new Map<string, AccessTokenClaims>();
  const unlessRevoked = (claims: AccessTokenClaims): AccessTokenClaims => {
    if (isRevoked(claims.sessionId)) throw new InvalidTokenError('its session was signed out or revoked');
    return claims;
  };
  return async function verifyAccessToken(token: string): Promise<AccessTokenClaims> {
    const cached = verified.get(token);
    if (cached) {
      if (cached.expiresAt.getTime() + tolerance * 1000 > Date.now()) return unlessRevoked(cached);
      verified.delete(token);
    }
    const claims = unlessRevoked(await verifyUncached(token));
    // Oldest first out: a Map iterates in insertion order.
    if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
    verified.set(token, claims);
    return claims;
  };

  async function verifyUncached(token: string): Promise<AccessTokenClaims> {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw new InvalidTokenError('malformed');
    if (decoded.header.alg !== ACCESS_TOKEN_ALGORITHM) throw new InvalidTokenError(`algorithm ${decoded.header.alg} is not accepted`);
    const kid = decoded.header.kid;
    if (!kid) throw new InvalidTokenError('no key id');
    const key = await options.keys.keyFor(kid);
    if (!key) throw new InvalidTokenError('unknown key id');
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(token, key, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: tolerance,
        complete: false,
      }) as jwt.JwtPayload;
    } catch (error) {
      throw new InvalidTokenError(reasonOf(error));
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('no subject');
    if (typeof payload.exp !== 'number') throw new InvalidTokenError('no expiry');
    // A token without a session could not be revoked.
    if (typeof payload.sid !== 'string' || payload.sid === '') throw new InvalidTokenError('no session id');
    return {
      userId: payload.sub,
      sessionId: payload.sid,
      handle: typeof payload.handle === 'string' ? payload.handle : undefined,
      expiresAt: new Date(payload.exp * 1000),
    };
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof jwt.TokenExpiredError) return 'expired';
  if (error instanceof jwt.NotBeforeError) return 'not yet valid';
  if (error instanceof jwt.JsonWebTokenError) return error.message.replace(/^jwt /, '');
  return 'unverifiable';
}

export interface JwksResolverOptions {
  /** Fetches the JSON Web Key Set, e.g. from the user service's `/.well-known/jwks.json`. */
  fetchJwks: () => Promise<{ keys: Jwk[] }>;
  /** How long a fetched set is trusted before it is fetched again (in the background: requests keep using it meanwhile). */
  maxAgeMs?: number;
  /** At most one fetch per this interval (after a success or a failure), so forged kids cannot flood the issuer. */
  minRefetchIntervalMs?: number;
  /** A background refresh failed, or a key in the set could not be used; the cached keys stay in use. */
  onProblem?: (problem: string, error: unknown) => void;
  now?: () => number;
}

/**
 * Caches the JWKS. A known kid is answered from the cache at once, and a stale set is refreshed
 * in the background; an unknown kid waits for one refetch (at most one per interval). A key
 * that cannot be used is skipped, not allowed to discard the rest of the set.
 */
export function createJwksKeyResolver(options: JwksResolverOptions): PublicKeyResolver {
  const maxAge = options.maxAgeMs ?? 10 * 60_000;
  const minRefetch = options.minRefetchIntervalMs ?? 30_000;
  const now = options.now ?? Date.now;
  const report = options.onProblem ?? (() => undefined);
  let keys = new Map<string, KeyObject>();
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  const refresh = (): Promise<void> => {
    attemptedAt = now();
    inFlight ??= options
      .fetchJwks()
      .then((set) => {
        if (!Array.isArray(set?.keys)) throw new Error('the key set has no keys array');
        const next = new Map<string, KeyObject>();
        for (const jwk of set.keys) {
          if (!jwk.kid || jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
          if (jwk.alg !== undefined && jwk.alg !== ACCESS_TOKEN_ALGORITHM) continue;
          try {
            next.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
          } catch (error) {
            report(`key ${jwk.kid} in the key set is not a usable RSA public key; skipped`, error);
          }
        }
        keys = next;
        fetchedAt = now();
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  // `>=`: an interval of 0 lets every unknown kid refetch, even two within one millisecond.
  const mayFetch = () => now() - attemptedAt >= minRefetch || keys.size === 0;

  return {
    async keyFor(kid) {
      const known = keys.get(kid);
      if (known) {
        if (now() - fetchedAt > maxAge && mayFetch()) {
          refresh().catch((error: unknown) => report('refreshing the key set failed; the cached keys stay in use', error));
        }
        return known;
      }
      if (mayFetch()) {
        try {
          await refresh();
        } catch (error) {
          // With no keys at all nothing can be verified: that is the issuer's outage, not the client's fault.
          if (keys.size === 0) throw error;
          report('fetching the key set for an unknown kid failed; the cached keys stay in use', error);
        }
      }
      return keys.get(kid);
    },
  };
}
