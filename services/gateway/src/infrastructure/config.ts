import { type ConfigRule, HttpServerConfig, loadConfig, UrlString } from '@chirp/common/config';
import { type Static, Type } from '@sinclair/typebox';

/** A comma-separated list of origins (`https://app.chirp.dev,https://m.chirp.dev`), or empty for none. */
const OriginList = Type.String({ pattern: '^$|^https?://[^\\s,/]+(,https?://[^\\s,/]+)*$', default: '' });

const REDIS_SCHEMES = ['redis', 'rediss'];
const HTTP_SCHEMES = ['http', 'https'];

export const GatewayConfigSchema = Type.Object({
  ...HttpServerConfig,
  /** JSON bodies of the public API are small; anything larger is a 413 before it is read whole. */
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 8 * 1024 }),
  /** How long a client may take to send its whole request. */
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 10_000 }),
  /** Load balancers in front of the gateway whose X-Forwarded-For is trusted: 1 behind an ALB, 0 when clients connect directly. */
  TRUST_PROXY_HOPS: Type.Integer({ minimum: 0, maximum: 10, default: 0 }),
  /** Browser origins allowed to call the API (CORS); empty allows none. */
  CORS_ALLOWED_ORIGINS: OriginList,

  /** Rate limits: shared by every replica, so the gateway's Redis. */
  REDIS_URL: UrlString({ schemes: REDIS_SCHEMES }),
  REDIS_KEY_PREFIX: Type.String({ default: 'chirp:gateway:' }),
  /** Names the revoked-session set and channel the user service writes (its SESSION_REVOCATION_PREFIX, the same). */
  SESSION_REVOCATION_PREFIX: Type.String({ minLength: 1, default: 'chirp:sessions:' }),
  RATE_LIMIT_PERIOD_SECONDS: Type.Integer({ minimum: 1, default: 60 }),
  /** Requests per period per signed-in user, on routes without a stricter policy. */
  RATE_LIMIT_AUTHENTICATED: Type.Integer({ minimum: 1, default: 600 }),
  /** Requests per period per address, for callers without a token. */
  RATE_LIMIT_ANONYMOUS: Type.Integer({ minimum: 1, default: 120 }),
  /** Registrations and logins per period per address. */
  RATE_LIMIT_SIGN_IN: Type.Integer({ minimum: 1, default: 10 }),
  /** Refreshes and logouts per period per address (many clients may share one). */
  RATE_LIMIT_SESSION: Type.Integer({ minimum: 1, default: 120 }),
  /** New tweets per period per user. */
  RATE_LIMIT_POST: Type.Integer({ minimum: 1, default: 30 }),
  /**
   * The general budgets (signed-in and anonymous) are decided by each replica and shared through
   * Redis this often, sparing every request a round trip; a client spread over replicas can
   * overspend by what they admit in that time, and then waits it off. 0 checks them in Redis on
   * every request, as sign-in, session and post always are.
   */
  RATE_LIMIT_SYNC_MS: Type.Integer({ minimum: 0, maximum: 10_000, default: 100 }),

  USER_SERVICE_URL: UrlString({ schemes: HTTP_SCHEMES }),
  TWEET_SERVICE_URL: UrlString({ schemes: HTTP_SCHEMES }),
  TIMELINE_SERVICE_URL: UrlString({ schemes: HTTP_SCHEMES }),
  /** The notification service: its routes and GET /v1/streaming are served only when it is set. */
  NOTIFICATION_SERVICE_URL: Type.Optional(UrlString({ schemes: HTTP_SCHEMES })),
  /** Streams: channels in the gateway's Redis (the notification and timeline services publish there with the same prefix). */
  STREAM_CHANNEL_PREFIX: Type.String({ default: 'chirp:stream:' }),
  /** A comment goes out on a stream idle this long (the contract: at least every 30 s; under the ALB's idle timeout). */
  STREAM_HEARTBEAT_SECONDS: Type.Integer({ minimum: 1, maximum: 30, default: 15 }),
  /** Bytes a stream may have waiting for a slow client before it is dropped. */
  STREAM_MAX_BUFFERED_BYTES: Type.Integer({ minimum: 4096, default: 256 * 1024 }),
  /** Missed notifications replayed on reconnect with Last-Event-ID, at most. */
  STREAM_REPLAY_LIMIT: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
  /** Per attempt of a downstream call; idempotent calls are tried up to DOWNSTREAM_RETRIES more times. */
  DOWNSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 50, default: 2000 }),
  DOWNSTREAM_RETRIES: Type.Integer({ minimum: 0, maximum: 5, default: 2 }),
  /** How long a downstream's open circuit breaker fails fast before it lets one call through to test it. */
  BREAKER_RESET_MS: Type.Integer({ minimum: 100, default: 5000 }),

  /** Access tokens are the user service's: its issuer and audience. */
  JWT_ISSUER: Type.String({ minLength: 1, default: 'chirp-user' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'chirp-api' }),
  /** Handles remembered with their user ids (handles never change), for user timelines. */
  HANDLE_CACHE_ENTRIES: Type.Integer({ minimum: 0, default: 100_000 }),
});
export type GatewayConfig = Static<typeof GatewayConfigSchema>;

const RATE_LIMITS = ['RATE_LIMIT_AUTHENTICATED', 'RATE_LIMIT_ANONYMOUS', 'RATE_LIMIT_SIGN_IN', 'RATE_LIMIT_SESSION', 'RATE_LIMIT_POST'] as const;

/**
 * The limiter keeps arrival times in microseconds and spaces requests `period / limit` apart:
 * past one request per microsecond that spacing rounds to 0, the Redis script's key would get
 * `PX 0` and fail on every call, and every replica would silently fall back to its own budget.
 */
const rateLimitsFitThePeriod: ConfigRule<GatewayConfig> = (config) =>
  RATE_LIMITS.filter((name) => config[name] > config.RATE_LIMIT_PERIOD_SECONDS * 1e6).map(
    (name) =>
      `${name}=${config[name]} cannot work with RATE_LIMIT_PERIOD_SECONDS=${config.RATE_LIMIT_PERIOD_SECONDS}: ` +
      `at most one request per microsecond (${config.RATE_LIMIT_PERIOD_SECONDS * 1e6}) can be limited; lower it or lengthen the period`,
  );

export const loadGatewayConfig = (env: NodeJS.ProcessEnv | Record<string, string | undefined>): GatewayConfig =>
  loadConfig(GatewayConfigSchema, env, [rateLimitsFitThePeriod]);

export const corsOrigins = (config: Pick<GatewayConfig, 'CORS_ALLOWED_ORIGINS'>): string[] =>
  config.CORS_ALLOWED_ORIGINS === '' ? [] : config.CORS_ALLOWED_ORIGINS.split(',');
