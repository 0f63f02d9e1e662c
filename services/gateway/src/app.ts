import { MediaSchema, TweetSchema, UserSchema } from '@chirp/kernel/api-v1';
import { unexpectedBody } from './domain/gateway-errors.ts';
import { createHttpService } from '@chirp/common/http';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { registerAuthRoutes } from './adapters/http/auth-routes.ts';
import { installAuthentication, type VerifyAccessToken } from './adapters/http/authentication.ts';
import { registerOpenApi } from './adapters/http/openapi.ts';
import { ProblemSchema } from './adapters/http/problems.ts';
import { installSecurityHeaders } from './adapters/http/security-headers.ts';
import { installRateLimiting, type RateLimitSettings } from './adapters/http/rate-limiting.ts';
import { registerMediaRoutes } from './adapters/http/media-routes.ts';
import { registerTimelineRoutes } from './adapters/http/timeline-routes.ts';
import { registerTweetRoutes } from './adapters/http/tweet-routes.ts';
import { registerUserRoutes } from './adapters/http/user-routes.ts';
import { registerNotificationRoutes } from './adapters/http/notification-routes.ts';
import type { EventStreams } from './adapters/http/event-streams.ts';
import type { Downstreams } from './adapters/http/route-context.ts';
import { registerStreamingRoutes } from './adapters/http/streaming-routes.ts';
import type { NotificationService } from './use-cases/streaming-ports.ts';
import { corsOrigins, type GatewayConfig } from './infrastructure/config.ts';
import type { GatewayUseCases } from './use-cases/gateway-use-cases.ts';
import type { RateLimiter } from './use-cases/ports.ts';

export interface GatewayAppDeps {
  config: Pick<GatewayConfig, 'LOG_LEVEL' | 'BODY_LIMIT_BYTES' | 'REQUEST_TIMEOUT_MS' | 'TRUST_PROXY_HOPS' | 'CORS_ALLOWED_ORIGINS'>;
  rateLimits: RateLimitSettings;
  /** The services behind the gateway: the routes that forward call them directly. */
  downstreams: Downstreams;
  /** Where the gateway composes calls (posting, a user timeline by handle). */
  useCases: GatewayUseCases;
  verifyAccessToken: VerifyAccessToken;
  rateLimiter: RateLimiter;
  metrics?: Registry;
  /** Notifications and the live stream; absent in tests of the other routes. */
  notifications?: NotificationService;
  streams?: EventStreams;
  /** Sees every route as it is registered (each method of a route apart), probes and docs included. */
  onRoute?: (route: { method: string; url: string }) => void;
}

/** Headers a browser client may send and read, beyond the CORS-safelisted ones. */
const CORS_REQUEST_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'x-request-id'];
const CORS_EXPOSED_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy', 'retry-after', 'x-request-id', 'idempotent-replayed'];

/**
 * The public gateway: the contract of ../shared/api/v1.md, each route forwarded to the service
 * that owns it. Readiness does not include the services behind it or Redis: a downstream
 * outage is answered 503 per route (breakers), and a Redis outage lifts rate limits, so
 * neither may take every replica out of the load balancer. It never listens (main.ts does).
 */
export async function buildApp(deps: GatewayAppDeps): Promise<FastifyInstance> {
  const app = createHttpService({
    service: 'gateway',
    logLevel: deps.config.LOG_LEVEL,
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
    requestTimeoutMs: deps.config.REQUEST_TIMEOUT_MS,
    trustProxyHops: deps.config.TRUST_PROXY_HOPS,
    metrics: deps.metrics,
    registerFirst: (first) => {
      const observe = deps.onRoute;
      if (observe) {
        first.addHook('onRoute', (route) => {
          for (const method of [route.method].flat()) observe({ method, url: route.url });
        });
      }
      registerOpenApi(first);
    },
  });
  installSecurityHeaders(app, {
    // A JSON API loads nothing; the docs pages set their own policy (swagger-ui's staticCSP).
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  await app.register(cors, {
    origin: corsOrigins(deps.config),
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: CORS_REQUEST_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
  });
  for (const schema of [UserSchema, TweetSchema, MediaSchema, ProblemSchema]) app.addSchema(schema);

  installAuthentication(app, deps.verifyAccessToken);
  installRateLimiting(app, deps.rateLimiter, deps.rateLimits);
  // A route without a body schema refuses a body rather than ignoring what a client thought it sent.
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined && request.routeOptions.schema?.body === undefined) {
      throw unexpectedBody();
    }
  });

  const routes = { ...deps.downstreams, ...deps.useCases };
  registerAuthRoutes(app, routes);
  registerUserRoutes(app, routes);
  registerTweetRoutes(app, routes);
  registerTimelineRoutes(app, routes);
  registerMediaRoutes(app, routes);
  if (deps.notifications) registerNotificationRoutes(app, deps.notifications);
  if (deps.streams) registerStreamingRoutes(app, { streams: deps.streams, verifyAccessToken: deps.verifyAccessToken });
  return app;
}
