import { DomainError } from '@chirp/common/errors';
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';
import { clientKey, type RateLimit } from '../../domain/rate-limit.ts';
import type { RateLimiter } from '../../use-cases/ports.ts';

/** Which budget a route draws on. */
export type RateLimitPolicy = 'default' | 'sign-in' | 'post';

export interface RateLimitSettings {
  periodSeconds: number;
  /** Per user, on every route without a stricter policy. */
  authenticated: number;
  /** Per address, for callers without a token. */
  anonymous: number;
  /** Per address: register, login, refresh and logout, where guessing passwords or tokens happens. */
  signIn: number;
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
export function limitFor(policy: RateLimitPolicy, signedIn: boolean, settings: RateLimitSettings): RateLimit {
  const periodSeconds = settings.periodSeconds;
  if (policy === 'sign-in') return { policy, limit: settings.signIn, periodSeconds };
  if (policy === 'post') return { policy, limit: settings.post, periodSeconds };
  return signedIn ? { policy: 'user', limit: settings.authenticated, periodSeconds } : { policy: 'anonymous', limit: settings.anonymous, periodSeconds };
}

/**
 * Draws each request from its client's budget and says so in `RateLimit-*` headers; past the
 * budget, 429 with `Retry-After`. If Redis fails, requests pass unlimited (an outage of the
 * limiter must not become an outage of the API), with a warning and a counter for the operator.
 */
export function installRateLimiting(app: FastifyInstance, limiter: RateLimiter, settings: RateLimitSettings): void {
  const limited = new Counter({
    name: 'chirp_gateway_rate_limited_total',
    help: 'Requests answered 429, by policy',
    labelNames: ['policy'],
    registers: [app.metrics],
  });
  const failures = new Counter({
    name: 'chirp_gateway_rate_limiter_failures_total',
    help: 'Requests let through unlimited because the rate limiter (Redis) failed; check the gateway Redis',
    registers: [app.metrics],
  });
  let lastWarning = 0;

  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS' || UNLIMITED.has(request.routeOptions.url ?? '')) return;
    const policy = request.routeOptions.config.rateLimit ?? 'default';
    const limit = limitFor(policy, request.caller !== undefined, settings);
    // Sign-in budgets are per address whatever token is sent: they guard against guessing.
    const key = clientKey(policy === 'sign-in' ? undefined : request.caller, request.ip);
    let decision;
    try {
      decision = await limiter.consume(key, limit);
    } catch (error) {
      failures.inc();
      if (Date.now() - lastWarning > 10_000) {
        lastWarning = Date.now();
        request.log.warn({ err: error }, 'rate limiter failed; requests pass unlimited until Redis answers again (check REDIS_URL and the Redis server)');
      }
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
      throw new DomainError('rate_limited', 'RATE_LIMITED', `Too many requests; retry in ${decision.retryAfterSeconds} s.`, {
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
  });
}
