import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { TokenSecrets } from '../use-cases/ports.ts';

const REFRESH_TOKEN_BYTES = 32;

/** Refresh tokens are 256 random bits; only their SHA-256 is stored, which is enough for a secret that cannot be guessed. */
export function createRandomTokenSecrets(): TokenSecrets {
  const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
  return {
    newRefreshToken() {
      const token = randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
      return { token, hash: hashOf(token) };
    },
    hashOf,
    newSessionId: randomUUID,
  };
}
