import { rateLimited } from '../../domain/gateway-errors.ts';
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';
import { clientKey, GENERAL_POLICIES, type RateLimit } from '../../domain/rate-limit.ts';
import type { RateLimiter } from '../../use-cases/ports.ts';

/** Which budget a route draws on. */
export type RateLimitPolicy = 'default' | 'sign-in' | 'session' | 'post';

export interface RateLimitSettings {
  periodSeconds: number;
  /** Per user, on every route without a stricter policy. */
  authenticated: number;
  /** Per address, for callers without a token. */
  anonymous: number;
  /** Per address: register and login, where passwords are guessed. */
  signIn: number;
  /** Per address: refresh and logout. Looser than sign-in: every client refreshes every few minutes, many behind one address. */
  session: number;
  /** Per user: new tweets. */
  post: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimit?: RateLimitPolicy;
  }
}

const UNLIMITED = new Set(['/healthz', '/readyz', '/metrics']);

/** The limit a request is held to: the route's policy, and for the default one, whether the caller signed in. */
function limitFor(policy: RateLimitPolicy, signedIn: boolean, settings: RateLimitSettings): RateLimit {
  const periodSeconds = settings.periodSeconds;
  if (policy === 'sign-in') return { policy, limit: settings.signIn, periodSeconds };
  if (policy === 'session') return { policy, limit: settings.session, periodSeconds };
  if (policy === 'post') return { policy, limit: settings.post, periodSeconds };
  return signedIn ? { policy: GENERAL_POLICIES.signedIn, limit: settings.authenticated, periodSeconds } : { policy: GENERAL_POLICIES.anonymous, limit: settings.anonymous, periodSeconds };
}

/**
 * Draws each request from its client's budget and says so in `RateLimit-*` headers; past the
 * budget, 429 with `Retry-After`. The limiter given falls back on its own when Redis fails
 * (main.ts); should it still throw, the request passes unlimited rather than failing.
 */
export function installRateLimiting(app: FastifyInstance, limiter: RateLimiter, settings: RateLimitSettings): void {
  const limited = new Counter({
    name: 'chirp_gateway_rate_limited_total',
    help: 'Requests answered 429, by policy',
    labelNames: ['policy'],
    registers: [app.metrics],
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS' || UNLIMITED.has(request.routeOptions.url ?? '')) return;
    const policy = request.routeOptions.config.rateLimit ?? 'default';
    const limit = limitFor(policy, request.caller !== undefined, settings);
    // Sign-in and session budgets are per address whatever token is sent: they guard against guessing.
    const key = clientKey(policy === 'sign-in' || policy === 'session' ? undefined : request.caller, request.ip);
    let decision;
    try {
      decision = await limiter.consume(key, limit);
    } catch (error) {
      request.log.error({ err: error }, 'rate limiter failed, request passed unlimited');
      return;
    }
    void reply.headers({
      'ratelimit-limit': decision.limit,
      'ratelimit-remaining': decision.remaining,
      'ratelimit-reset': decision.resetSeconds,
      'ratelimit-policy': `${limit.limit};w=${limit.periodSeconds}`,
    });
    if (!decision.allowed) {
      limited.inc({ policy: limit.policy });
      throw rateLimited(decision.retryAfterSeconds);
    }
  });
}
