// Fakes of the user service's ports other than the store, and one builder for the lot.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AccessTokenClaims } from '@chirp/common/auth';
import type { Clock } from '@chirp/kernel/clock';
import { aClock, type SettableClock, sequentialIds } from '@chirp/testing/fakes';
import { REVOCATION_MARGIN_MS } from '../../src/infrastructure/redis-session-revocations.ts';
import type { AccessTokenIssuer, PasswordHasher, SessionRevocations, TokenSecrets } from '../../src/use-cases/ports.ts';
import { buildApp } from '../../src/app.ts';
import { makeUserUseCases, type UserPorts } from '../../src/use-cases/user-use-cases.ts';
import { createInMemoryUserStore, type InMemoryUserStore } from './in-memory-user-store.ts';

/**
 * Salted SHA-256 in place of argon2id: cheap, so the use-case tests stay fast, yet it keeps the
 * PasswordHasher contract (salted, never the password itself). `cost` stands for the parameters.
 */
export function cheapHasher(options: { cost?: number; minimumCost?: number } = {}): PasswordHasher & { burned: number } {
  const cost = options.cost ?? 1;
  const digest = (salt: string, password: string) => createHash('sha256').update(`${salt}:${password}`).digest('hex');
  const hasher = {
    burned: 0,
    hash: async (password: string) => {
      const salt = randomBytes(8).toString('hex');
      return `cheap$${cost}$${salt}$${digest(salt, password)}`;
    },
    verify: async (password: string, stored: string) => {
      const [, storedCost, salt, tag] = /^cheap\$(\d+)\$([0-9a-f]+)\$([0-9a-f]{64})$/.exec(stored) ?? [];
      if (salt === undefined) throw new Error('stored password hash is not one cheapHasher wrote');
      return { valid: digest(salt, password) === tag, needsRehash: Number(storedCost) < (options.minimumCost ?? cost) };
    },
    burn: async (password: string) => {
      digest('burn', password);
      hasher.burned += 1;
    },
  };
  return hasher;
}

/** Readable tokens (`access:<user>:<session>:<handle>:<exp>`), and the reader a gateway would be: it refuses one past its expiry. */
export function fakeAccessTokens(clock: Clock, ttlSeconds = 900): AccessTokenIssuer & { read(token: string): Promise<AccessTokenClaims> } {
  return {
    issue: ({ userId, sessionId, handle }) => {
      const expires = Math.floor(clock.now().getTime() / 1000) + ttlSeconds;
      return { accessToken: `access:${userId}:${sessionId}:${handle}:${expires}`, expiresInSeconds: ttlSeconds };
    },
    read: async (token) => {
      const [, userId, sessionId, handle, expires] = /^access:(\d+):([^:]+):(\w+):(\d+)$/.exec(token) ?? [];
      if (expires === undefined) throw new Error(`not an access token fakeAccessTokens issued: ${token}`);
      const expiresAt = new Date(Number(expires) * 1000);
      if (expiresAt <= clock.now()) throw new Error(`access token expired at ${expiresAt.toISOString()}`);
      return { userId: userId!, sessionId: sessionId!, handle, expiresAt };
    },
  };
}

/**
 * Remembers what was announced, in order, and refuses a session as the gateways would: from its
 * revocation until its last access token has expired, with the Redis adapter's margin.
 */
export function recordingRevocations(
  clock: Clock,
  accessTokenTtlSeconds = 900,
): SessionRevocations & { announced: Array<{ sessionId: string; revokedAt: Date }>; refuses(sessionId: string): boolean } {
  const announced: Array<{ sessionId: string; revokedAt: Date }> = [];
  const lifetimeMs = accessTokenTtlSeconds * 1000 + REVOCATION_MARGIN_MS;
  return {
    announced,
    announce: async (revocation) => {
      announced.push(revocation);
    },
    refuses: (sessionId) => announced.some((revocation) => revocation.sessionId === sessionId && revocation.revokedAt.getTime() + lifetimeMs > clock.now().getTime()),
  };
}

/** Numbered refresh tokens and session ids (the number tells them apart in a failure), each behind a random part, so no two instances repeat one another. */
export function countingSecrets(): TokenSecrets {
  let n = 0;
  const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
  return {
    newRefreshToken: () => {
      const token = `refresh-${(n += 1)}-${randomBytes(32).toString('base64url')}`;
      return { token, hash: hashOf(token) };
    },
    hashOf,
    newSessionId: () => `${randomUUID().slice(0, 24)}${String((n += 1)).padStart(12, '0')}`,
  };
}

export interface TestUserPorts extends UserPorts {
  users: InMemoryUserStore;
  clock: SettableClock;
  issuer: ReturnType<typeof fakeAccessTokens>;
  revocations: ReturnType<typeof recordingRevocations>;
}

export function aUserPorts(overrides: Partial<TestUserPorts> = {}): TestUserPorts {
  const clock = overrides.clock ?? aClock();
  return {
    users: createInMemoryUserStore(),
    hasher: cheapHasher(),
    issuer: fakeAccessTokens(clock),
    secrets: countingSecrets(),
    revocations: recordingRevocations(clock),
    ids: sequentialIds(),
    clock,
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
