// Composition root: config → clients → adapters → use cases → app → listen.
import { createAccessTokenVerifier, createJwksKeyResolver } from '@chirp/common/auth';
import { createDownstreamMetrics } from '@chirp/common/downstream-metrics';
import { registerStoreMetrics } from '@chirp/common/store-metrics';
import { runHttpService, runOptionsOf } from '@chirp/common/http';
import { createLogger } from '@chirp/common/logging';
import { createServiceClient, type ServiceClientOptions } from '@chirp/common/service-client';
import { watchRevokedSessions } from '@chirp/common/session-revocations';
import { redisRetryStrategy } from '@chirp/common/dependencies';
import { Redis } from 'ioredis';
import { Counter, Gauge, Registry } from 'prom-client';
import { createEventStreams } from './adapters/http/event-streams.ts';
import { buildApp } from './app.ts';
import { createHttpMergedAuthors, createHttpNotificationService } from './infrastructure/http-notification-service.ts';
import { createRedisStreamBroker } from './infrastructure/redis-stream-broker.ts';
import { createStreamMetrics } from './infrastructure/stream-metrics.ts';
import { streamChannels } from '@chirp/common/stream-channels';
import { loadGatewayConfig } from './infrastructure/config.ts';
import { createHttpTimelineService } from './infrastructure/http-timeline-service.ts';
import { createHttpMediaService } from './infrastructure/http-media-service.ts';
import { createHttpTweetService } from './infrastructure/http-tweet-service.ts';
import { createHttpUserService } from './infrastructure/http-user-service.ts';
import { createHttpJwksSource } from './infrastructure/http-jwks.ts';
import { GENERAL_POLICIES } from './domain/rate-limit.ts';
import { createFailoverRateLimiter, createInProcessRateLimiter } from './infrastructure/in-process-rate-limiter.ts';
import { createLruHandleDirectory } from './infrastructure/lru-handle-directory.ts';
import { createRedisRateLimiter, createRedisSharedBudgets } from './infrastructure/redis-rate-limiter.ts';
import { createSyncedRateLimiter, limiterByPolicy } from './infrastructure/synced-rate-limiter.ts';
import { makeGatewayUseCases } from './use-cases/gateway-use-cases.ts';

const config = loadGatewayConfig(process.env);
const metrics = new Registry();
const log = createLogger('gateway', config.LOG_LEVEL);

const downstreamNames = ['user', 'tweet', 'timeline', ...(config.NOTIFICATION_SERVICE_URL ? ['notification'] : [])];
const downstreams = createDownstreamMetrics(metrics, log, { downstreams: downstreamNames, breakerResetMs: config.BREAKER_RESET_MS });
const clientOptions = (name: string, baseUrl: string): ServiceClientOptions => ({
  name,
  baseUrl,
  timeoutMs: config.DOWNSTREAM_TIMEOUT_MS,
  retries: config.DOWNSTREAM_RETRIES,
  breaker: { resetTimeoutMs: config.BREAKER_RESET_MS },
  ...downstreams,
});
const userClient = createServiceClient(clientOptions('user', config.USER_SERVICE_URL));
const tweetClient = createServiceClient(clientOptions('tweet', config.TWEET_SERVICE_URL));
const timelineClient = createServiceClient(clientOptions('timeline', config.TIMELINE_SERVICE_URL));
const notificationClient = config.NOTIFICATION_SERVICE_URL ? createServiceClient(clientOptions('notification', config.NOTIFICATION_SERVICE_URL)) : undefined;

// Fail fast when Redis is away: a rate-limit check must never hold a request up.
const redis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: 250, retryStrategy: redisRetryStrategy });
registerStoreMetrics(metrics, { redis });
const limiterFailures = new Counter({
  name: 'chirp_gateway_rate_limiter_failures_total',
  help: "Rate-limit checks (sign-in, session, post) or syncs of the general budgets that failed against Redis, so this replica's own budgets decided; check the gateway Redis",
  registers: [metrics],
});
let lastLimiterWarning = 0;
const limiterFailed = (error: unknown) => {
  limiterFailures.inc();
  if (Date.now() - lastLimiterWarning < 10_000) return;
  lastLimiterWarning = Date.now();
  log.warn({ err: error }, "rate limiter's Redis failed; each replica limits on its own until it answers (check REDIS_URL and the Redis server)");
};
const exactLimiter = createFailoverRateLimiter(createRedisRateLimiter(redis), createInProcessRateLimiter(), limiterFailed);
// The general budgets (GENERAL_POLICIES: signed-in and anonymous) decided here and
// shared every RATE_LIMIT_SYNC_MS; sign-in, session and post checked in Redis every time.
const syncedLimiter =
  config.RATE_LIMIT_SYNC_MS > 0 ? createSyncedRateLimiter(createRedisSharedBudgets(redis), { syncEveryMs: config.RATE_LIMIT_SYNC_MS, onFailure: limiterFailed }) : undefined;
const rateLimiter = syncedLimiter ? limiterByPolicy(Object.values(GENERAL_POLICIES), syncedLimiter, exactLimiter) : exactLimiter;

// Signed-out and revoked sessions, pushed by the user service. Fail open: while Redis is away
// this replica keeps the set it has and accepts other valid tokens (they expire within their
// 15 minutes anyway), rather than refusing every signed-in request; see docs/reliability.md.
const REVOCATION_SYNC_WAIT_MS = 3000;
const revocationConnection = { maxRetriesPerRequest: 0, retryStrategy: redisRetryStrategy };
const revocationReader = new Redis(config.REDIS_URL, { ...revocationConnection, commandTimeout: 1000 });
const revocationSubscriber = new Redis(config.REDIS_URL, { ...revocationConnection, autoResubscribe: false });
const revokedSessionsInSync = new Gauge({
  name: 'chirp_gateway_revoked_sessions_in_sync',
  help: "Whether this replica hears session revocations (1) or missed some while Redis was away (0: signed-out tokens may work until it reconnects); check the gateway Redis",
  registers: [metrics],
});
const revokedSessions = watchRevokedSessions({
  subscriber: revocationSubscriber,
  reader: revocationReader,
  prefix: config.SESSION_REVOCATION_PREFIX,
  onSyncChange: (inSync) => {
    revokedSessionsInSync.set(inSync ? 1 : 0);
    if (inSync) log.info({ revokedSessions: revokedSessions.size }, 'revoked sessions loaded; revocations are heard');
    else log.warn("lost the gateway Redis: revocations made meanwhile are not heard until it reconnects (check REDIS_URL and the server)");
  },
  onProblem: (problem, err) => log.warn({ err, component: 'revoked-sessions' }, problem),
});
revokedSessionsInSync.set(0);
new Gauge({
  name: 'chirp_gateway_revoked_sessions',
  help: 'Sessions whose access tokens this replica refuses (revoked within one access-token lifetime)',
  registers: [metrics],
  collect() {
    this.set(revokedSessions.size);
  },
});

// A replica that has not loaded the set yet would accept signed-out tokens: wait for it, but not
// for long, so that a Redis outage cannot keep the gateway from starting.
if (!(await revokedSessions.whenInSync(REVOCATION_SYNC_WAIT_MS))) {
  log.warn({ waitedMs: REVOCATION_SYNC_WAIT_MS }, 'starting without the revoked sessions: the gateway Redis did not answer; signed-out tokens may work until it does (check REDIS_URL)');
}

const verifyAccessToken = createAccessTokenVerifier({
  isRevoked: (sessionId) => revokedSessions.has(sessionId),
  keys: createJwksKeyResolver({
    fetchJwks: createHttpJwksSource(userClient),
    onProblem: (problem, err) => log.warn({ err, component: 'jwks' }, problem),
  }),
  issuer: config.JWT_ISSUER,
  audience: config.JWT_AUDIENCE,
});

const services = {
  users: createHttpUserService(userClient),
  tweets: createHttpTweetService(tweetClient),
  media: createHttpMediaService(tweetClient),
  timelines: createHttpTimelineService(timelineClient),
};
const useCases = makeGatewayUseCases({ ...services, handles: createLruHandleDirectory(config.HANDLE_CACHE_ENTRIES) });

// Streams listen on their own connection: a subscribed Redis connection can do nothing else.
const subscriber = notificationClient ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, retryStrategy: redisRetryStrategy }) : undefined;
const notifications = notificationClient ? createHttpNotificationService(notificationClient) : undefined;
const streams =
  notifications && subscriber
    ? createEventStreams({
        broker: createRedisStreamBroker(subscriber),
        channels: streamChannels(config.STREAM_CHANNEL_PREFIX),
        notifications,
        mergedAuthors: createHttpMergedAuthors(timelineClient),
        isRevoked: (sessionId) => revokedSessions.has(sessionId),
        settings: { heartbeatMs: config.STREAM_HEARTBEAT_SECONDS * 1000, maxBufferedBytes: config.STREAM_MAX_BUFFERED_BYTES, replayLimit: config.STREAM_REPLAY_LIMIT },
        metrics: createStreamMetrics(metrics),
        log: log.child({ component: 'streams' }),
      })
    : undefined;

const app = await buildApp({
  config,
  rateLimits: {
    periodSeconds: config.RATE_LIMIT_PERIOD_SECONDS,
    authenticated: config.RATE_LIMIT_AUTHENTICATED,
    anonymous: config.RATE_LIMIT_ANONYMOUS,
    signIn: config.RATE_LIMIT_SIGN_IN,
    session: config.RATE_LIMIT_SESSION,
    post: config.RATE_LIMIT_POST,
  },
  downstreams: services,
  useCases,
  verifyAccessToken,
  rateLimiter,
  metrics,
  notifications,
  streams,
});

await runHttpService(app, {
  ...runOptionsOf(config),
  resources: [
    { name: 'user-client', close: () => userClient.close() },
    { name: 'tweet-client', close: () => tweetClient.close() },
    { name: 'timeline-client', close: () => timelineClient.close() },
    ...(notificationClient ? [{ name: 'notification-client', close: () => notificationClient.close() }] : []),
    ...(subscriber
      ? [{ name: 'stream subscriber', watch: (l: typeof log) => subscriber.on('error', (err) => l.warn({ err }, 'stream Redis error; live events pause until it answers (check REDIS_URL)')), close: () => subscriber.quit() }]
      : []),
    {
      name: 'revoked sessions',
      // Losing and regaining the connection is logged once each by onSyncChange; the errors of each reconnect attempt only at debug.
      watch: (log) => {
        for (const connection of [revocationSubscriber, revocationReader]) connection.on('error', (err) => log.debug({ err, component: 'revoked-sessions' }, 'revocation Redis connection error'));
      },
      close: async () => {
        await revokedSessions.close();
        await revocationReader.quit();
      },
    },
    // Before Redis closes: the requests admitted since the last sync go to the shared budgets.
    ...(syncedLimiter ? [{ name: 'rate-limit sync', close: () => syncedLimiter.close() }] : []),
    {
      name: 'redis',
      watch: (log) => redis.on('error', (err) => log.warn({ err }, 'gateway Redis error; rate limits are lifted until it answers (check REDIS_URL)')),
      close: () => redis.quit(),
    },
  ],
});
