import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { PasswordHasher } from '../use-cases/ports.ts';

const argon2Async = promisify(argon2);

/** argon2id cost: memory in KiB, passes, lanes. OWASP's minimum is m=19 MiB, t=2, p=1. */
export interface Argon2Parameters {
  memoryKiB: number;
  passes: number;
  parallelism: number;
}

export const OWASP_ARGON2ID: Argon2Parameters = { memoryKiB: 19 * 1024, passes: 2, parallelism: 1 };
const SALT_BYTES = 16;
const TAG_BYTES = 32;
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

/**
 * Hashes with argon2id (Node's own crypto.argon2, on the libuv pool) and stores the
 * result as a PHC string, so the parameters travel with each hash and can be raised
 * later: a hash made with weaker ones verifies and reports `needsRehash`.
 */
export function createArgon2PasswordHasher(parameters: Argon2Parameters = OWASP_ARGON2ID): PasswordHasher {
  const derive = (password: string, salt: Buffer, p: Argon2Parameters, tagLength: number) =>
    argon2Async('argon2id', { message: password, nonce: salt, memory: p.memoryKiB, passes: p.passes, parallelism: p.parallelism, tagLength });
  const dummySalt = randomBytes(SALT_BYTES);

  return {
    async hash(password) {
      const salt = randomBytes(SALT_BYTES);
      const tag = await derive(password, salt, parameters, TAG_BYTES);
      const { memoryKiB: m, passes: t, parallelism: p } = parameters;
      return `$argon2id$v=19$m=${m},t=${t},p=${p}$${b64(salt)}$${b64(tag)}`;
    },
    async verify(password, stored) {
      const match = PHC.exec(stored);
      if (!match) throw new Error('stored password hash is not an argon2id PHC string; the users table holds something this service did not write');
      const used = { memoryKiB: Number(match[1]), passes: Number(match[2]), parallelism: Number(match[3]) };
      const expected = Buffer.from(match[5]!, 'base64');
      const actual = await derive(password, Buffer.from(match[4]!, 'base64'), used, expected.length);
      const valid = timingSafeEqual(actual, expected);
      const needsRehash = used.memoryKiB < parameters.memoryKiB || used.passes < parameters.passes || used.parallelism < parameters.parallelism;
      return { valid, needsRehash };
    },
    async burn(password) {
      await derive(password, dummySalt, parameters, TAG_BYTES);
    },
  };
}
