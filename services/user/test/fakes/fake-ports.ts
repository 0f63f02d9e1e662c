// Fakes of the user service's ports other than the store, and one builder for the lot.
import { aClock, type SettableClock, sequentialIds } from '@chirp/testing/fakes';
import type { AccessTokenIssuer, PasswordHasher, SessionRevocations, TokenSecrets } from '../../src/use-cases/ports.ts';
import { buildApp } from '../../src/app.ts';
import { makeUserUseCases, type UserPorts } from '../../src/use-cases/user-use-cases.ts';
import { createInMemoryUserStore, type InMemoryUserStore } from './in-memory-user-store.ts';

/** Not a hash at all, only a marker: the use cases' behaviour is under test, not the cryptography. */
export function plainTextHasher(options: { cost?: number; minimumCost?: number } = {}): PasswordHasher & { burned: number } {
  const cost = options.cost ?? 1;
  const hasher = {
    burned: 0,
    hash: async (password: string) => `plain:${cost}:${password}`,
    verify: async (password: string, stored: string) => {
      const [, storedCost, storedPassword] = /^plain:(\d+):(.*)$/s.exec(stored) ?? [];
      return { valid: storedPassword === password, needsRehash: Number(storedCost) < (options.minimumCost ?? cost) };
    },
    burn: async () => {
      hasher.burned += 1;
    },
  };
  return hasher;
}

export const fakeIssuer: AccessTokenIssuer = {
  issue: ({ userId, sessionId }) => ({ accessToken: `access:${userId}:${sessionId}`, expiresInSeconds: 900 }),
};

/** Remembers what was announced, in order. */
export function recordingRevocations(): SessionRevocations & { announced: Array<{ sessionId: string; revokedAt: Date }> } {
  const announced: Array<{ sessionId: string; revokedAt: Date }> = [];
  return {
    announced,
    announce: async (revocation) => {
      announced.push(revocation);
    },
  };
}

export function countingSecrets(): TokenSecrets {
  let n = 0;
  const hashOf = (token: string) => Buffer.from(`hash:${token}`).toString('hex');
  return {
    newRefreshToken: () => {
      const token = `refresh-${(n += 1)}`;
      return { token, hash: hashOf(token) };
    },
    hashOf,
    newSessionId: () => `00000000-0000-4000-8000-${String((n += 1)).padStart(12, '0')}`,
  };
}

export interface TestUserPorts extends UserPorts {
  users: InMemoryUserStore;
  clock: SettableClock;
  revocations: ReturnType<typeof recordingRevocations>;
}

export function aUserPorts(overrides: Partial<TestUserPorts> = {}): TestUserPorts {
  return {
    users: createInMemoryUserStore(),
    hasher: plainTextHasher(),
    issuer: fakeIssuer,
    secrets: countingSecrets(),
    revocations: recordingRevocations(),
    ids: sequentialIds(),
    clock: aClock(),
    lifetimes: { refreshTokenTtlSeconds: 30 * 24 * 3600, sessionMaxAgeSeconds: 90 * 24 * 3600 },
    ...overrides,
  };
}

/** Use cases over fresh fakes, with the fakes for arranging and asserting. */
export function aUserService(overrides: Partial<TestUserPorts> = {}) {
  const ports = aUserPorts(overrides);
  return { ports, ...makeUserUseCases(ports) };
}

/** The HTTP app over fakes, for `inject` tests. */
export function aUserApp(options: { readiness?: { postgres: () => Promise<unknown> }; overrides?: Partial<TestUserPorts> } = {}) {
  const service = aUserService(options.overrides);
  const app = buildApp({
    config: { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: 8192 },
    readiness: options.readiness ?? { postgres: async () => 'ok' },
    useCases: service,
    jwks: () => ({ keys: [{ kty: 'RSA', kid: 'test-key', n: 'AQAB', e: 'AQAB', alg: 'RS256', use: 'sig' }] }),
  });
  return { app, service };
}
