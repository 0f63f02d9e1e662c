import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { DomainError } from './errors.ts';

/** The only signature algorithm access tokens may use; pinned so `none` and HS* confusion are impossible. */
export const ACCESS_TOKEN_ALGORITHM = 'RS256';

export interface AccessTokenClaims {
  /** The user id, the only source of the caller's identity. */
  userId: string;
  sessionId: string | undefined;
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
}

/** Verifies a bearer access token: RS256 only, issuer, audience, exp and nbf checked, `sub` required. */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions) {
  const tolerance = options.clockToleranceSeconds ?? 5;
  return async function verifyAccessToken(token: string): Promise<AccessTokenClaims> {
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
    return {
      userId: payload.sub,
      sessionId: typeof payload.sid === 'string' ? payload.sid : undefined,
      handle: typeof payload.handle === 'string' ? payload.handle : undefined,
      expiresAt: new Date(payload.exp * 1000),
    };
  };
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
  /** How long a fetched set is trusted before it is fetched again. */
  maxAgeMs?: number;
  /** An unknown kid triggers at most one refetch per this interval, so forged kids cannot flood the issuer. */
  minRefetchIntervalMs?: number;
  now?: () => number;
}

/** Caches the JWKS; refreshes when stale or when a token names a kid it has not seen. */
export function createJwksKeyResolver(options: JwksResolverOptions): PublicKeyResolver {
  const maxAge = options.maxAgeMs ?? 10 * 60_000;
  const minRefetch = options.minRefetchIntervalMs ?? 30_000;
  const now = options.now ?? Date.now;
  let keys = new Map<string, KeyObject>();
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  const refresh = (): Promise<void> => {
    inFlight ??= options
      .fetchJwks()
      .then((set) => {
        const next = new Map<string, KeyObject>();
        for (const jwk of set.keys) {
          if (!jwk.kid || jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
          if (jwk.alg !== undefined && jwk.alg !== ACCESS_TOKEN_ALGORITHM) continue;
          next.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
        }
        keys = next;
        fetchedAt = now();
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    async keyFor(kid) {
      const age = now() - fetchedAt;
      if (age > maxAge || (!keys.has(kid) && age > minRefetch)) {
        try {
          await refresh();
        } catch (error) {
          // A stale key set keeps working while the issuer is briefly unreachable.
          if (keys.size === 0) throw error;
        }
      }
      return keys.get(kid);
    },
  };
}
