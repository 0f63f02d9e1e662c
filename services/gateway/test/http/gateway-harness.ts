import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createAccessTokenVerifier } from '@chirp/common/auth';
import jwt from 'jsonwebtoken';
import { buildApp, type GatewayAppDeps } from '../../src/app.ts';
import type { RateLimitSettings } from '../../src/adapters/http/rate-limiting.ts';
import { makeGatewayUseCases } from '../../src/use-cases/gateway-use-cases.ts';
import type { RateLimiter } from '../../src/use-cases/ports.ts';
import { createInProcessRateLimiter } from '../../src/infrastructure/in-process-rate-limiter.ts';
import { recordingDownstreams } from '../fakes/recording-downstreams.ts';

export const ISSUER = 'chirp-user';
export const AUDIENCE = 'chirp-api';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const signingKey: KeyObject = keys.privateKey;
export const KID = 'test-1';

/** An access token as the user service signs one; overrides change any claim or header. */
export function aToken(claims: Record<string, unknown> = {}, options: jwt.SignOptions = {}, key: jwt.Secret | KeyObject = signingKey): string {
  return jwt.sign({ sub: '1001', sid: 's-1', handle: 'ada', ...claims }, key, {
    algorithm: 'RS256',
    keyid: KID,
    issuer: ISSUER,
    audience: AUDIENCE,
    ...('exp' in claims ? {} : { expiresIn: 900 }),
    ...options,
  });
}

export const bearer = (token = aToken()) => ({ authorization: `Bearer ${token}` });

const generous: RateLimitSettings = { periodSeconds: 60, authenticated: 10_000, anonymous: 10_000, signIn: 10_000, session: 10_000, post: 10_000 };

export interface HarnessOptions {
  answers?: Parameters<typeof recordingDownstreams>[0];
  rateLimits?: Partial<RateLimitSettings>;
  rateLimiter?: RateLimiter;
  config?: Partial<GatewayAppDeps['config']>;
  /** Sees every route as it is registered. */
  onRoute?: (route: { method: string; url: string }) => void;
  notifications?: GatewayAppDeps['notifications'];
  streams?: GatewayAppDeps['streams'];
  /** Sessions whose tokens are refused, as the revocations pushed through Redis leave them. */
  revokedSessions?: ReadonlySet<string>;
}

/** The gateway app on recording downstreams, verifying tokens against this file's key. */
export async function aGateway(options: HarnessOptions = {}) {
  const { ports, calls } = recordingDownstreams(options.answers);
  const app = await buildApp({
    config: { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: 8192, REQUEST_TIMEOUT_MS: 10_000, TRUST_PROXY_HOPS: 0, CORS_ALLOWED_ORIGINS: '', ...options.config },
    rateLimits: { ...generous, ...options.rateLimits },
    downstreams: ports,
    useCases: makeGatewayUseCases(ports),
    verifyAccessToken: createAccessTokenVerifier({
      keys: { keyFor: async (kid) => (kid === KID ? keys.publicKey : undefined) },
      issuer: ISSUER,
      audience: AUDIENCE,
      isRevoked: (sessionId) => options.revokedSessions?.has(sessionId) ?? false,
    }),
    rateLimiter: options.rateLimiter ?? createInProcessRateLimiter(),
    onRoute: options.onRoute,
    notifications: options.notifications,
    streams: options.streams,
  });
  await app.ready();
  return { app, calls };
}
