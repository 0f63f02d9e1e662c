import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACCESS_TOKEN_ALGORITHM, type Jwk } from '@chirp/common/auth';
import jwt from 'jsonwebtoken';
import type { Clock } from '@chirp/kernel/clock';
import type { AccessTokenIssuer } from '../use-cases/ports.ts';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** The keys this service knows: `active` signs; every key's public half is published, so tokens signed before a rotation keep verifying. */
export interface SigningKeySet {
  active: SigningKey;
  all: readonly SigningKey[];
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;
const MIN_RSA_BITS = 2048;

/** A key set from PEM files: `<kid>.pem` in `dir`, each an RSA private key of at least 2048 bits. */
export async function loadSigningKeys(dir: string, activeKid: string): Promise<SigningKeySet> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.pem')).sort();
  const all = await Promise.all(files.map(async (file) => signingKey(file.slice(0, -'.pem'.length), await readFile(join(dir, file), 'utf8'))));
  return keySet(all, activeKid, `JWT_KEYS_DIR=${dir}`);
}

export function signingKey(kid: string, pem: string): SigningKey {
  if (!KID.test(kid)) throw new Error(`signing key id '${kid}' must be 1–64 of [A-Za-z0-9._-]; rename its file`);
  const privateKey = createPrivateKey(pem);
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (privateKey.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS) {
    throw new Error(`signing key '${kid}' must be an RSA key of at least ${MIN_RSA_BITS} bits (${ACCESS_TOKEN_ALGORITHM})`);
  }
  return { kid, privateKey };
}

export function keySet(all: readonly SigningKey[], activeKid: string, where = 'the key set'): SigningKeySet {
  const active = all.find((key) => key.kid === activeKid);
  if (!active) throw new Error(`no signing key '${activeKid}' (JWT_ACTIVE_KID) in ${where}; found: ${all.map((k) => k.kid).join(', ') || 'none'}`);
  return { active, all };
}

/** The public halves, as the JWKS the gateway fetches from `/.well-known/jwks.json`. */
export function publicJwks(keys: SigningKeySet): { keys: Jwk[] } {
  return {
    keys: keys.all.map((key) => ({ ...(createPublicKey(key.privateKey).export({ format: 'jwk' }) as Jwk), kid: key.kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' })),
  };
}

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Signs short-lived RS256 access tokens with the active key: `sub` the user, `sid` the session, `handle`, `kid` in the header. */
export function createJwtAccessTokenIssuer(keys: SigningKeySet, settings: AccessTokenSettings, clock: Clock): AccessTokenIssuer {
  return {
    issue({ userId, sessionId, handle }) {
      const now = Math.floor(clock.now().getTime() / 1000);
      const accessToken = jwt.sign({ sid: sessionId, handle, iat: now, nbf: now, exp: now + settings.ttlSeconds }, keys.active.privateKey, {
        algorithm: ACCESS_TOKEN_ALGORITHM,
        keyid: keys.active.kid,
        issuer: settings.issuer,
        audience: settings.audience,
        subject: userId,
      });
      return { accessToken, expiresInSeconds: settings.ttlSeconds };
    },
  };
}
