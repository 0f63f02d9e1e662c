// Composition root: config → clients → adapters → use cases → app → listen.
import { createPostgresPool, postgresDependency, readinessOf } from '@chirp/common/dependencies';
import { runHttpService, runOptionsOf } from '@chirp/common/http';
import { createIdGenerator } from '@chirp/kernel/ids';
import { createLogger } from '@chirp/common/logging';
import { runMigrations } from '@chirp/common/pg-migrations';
import { startServiceMessaging } from '@chirp/common/service-messaging';
import { registerStoreMetrics } from '@chirp/common/store-metrics';
import { workerIdFor } from '@chirp/common/worker-lease';
import { Redis } from 'ioredis';
import { Counter, Registry } from 'prom-client';
import { USER_EVENTS_TOPIC } from '@chirp/kernel/user-events';
import { tweetEventHandlers } from './adapters/messaging/tweet-event-handlers.ts';
import { buildApp } from './app.ts';
import { createArgon2PasswordHasher } from './infrastructure/argon2-password-hasher.ts';
import { loadUserConfig } from './infrastructure/config.ts';
import { createJwtAccessTokenIssuer, loadSigningKeys, publicJwks } from './infrastructure/jwt-access-tokens.ts';
import { USER_MIGRATIONS } from './infrastructure/migrations.ts';
import { createPgUserStore } from './infrastructure/pg-user-store.ts';
import { createRandomTokenSecrets } from './infrastructure/random-token-secrets.ts';
import { createRedisSessionRevocations } from './infrastructure/redis-session-revocations.ts';
import { systemClock } from '@chirp/kernel/clock';
import { makeUserUseCases } from './use-cases/user-use-cases.ts';

const config = loadUserConfig(process.env);
// The relay, the consumer and the lease log as their own components, beside the HTTP server's request log.
const log = createLogger('user', config.LOG_LEVEL);
const pool = createPostgresPool(config);
if (config.RUN_MIGRATIONS) await runMigrations(pool, USER_MIGRATIONS, log);
const worker = await workerIdFor(config, pool, log);
const keys = await loadSigningKeys(config.JWT_KEYS_DIR, config.JWT_ACTIVE_KID);
const jwks = publicJwks(keys);
const users = createPgUserStore(pool);
const metrics = new Registry();
const revocationFailures = new Counter({
  name: 'chirp_user_session_revocation_push_failures_total',
  help: "Session revocations that could not be pushed to the gateways' Redis at once (retried); check REDIS_URL and the gateway Redis",
  registers: [metrics],
});
// Fail fast: a logout never waits on Redis (the push is retried in the background).
const revocationRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: 1000 });
const revocations = createRedisSessionRevocations({
  redis: revocationRedis,
  prefix: config.SESSION_REVOCATION_PREFIX,
  accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  sessions: users,
  log,
  onDeliveryFailure: () => revocationFailures.inc(),
});
const useCases = makeUserUseCases({
  users,
  revocations,
  hasher: createArgon2PasswordHasher(),
  issuer: createJwtAccessTokenIssuer(keys, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS }, systemClock),
  secrets: createRandomTokenSecrets(),
  ids: createIdGenerator({ workerId: worker.workerId }),
  clock: systemClock,
  lifetimes: { refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS, sessionMaxAgeSeconds: config.SESSION_MAX_AGE_SECONDS },
});

const postgres = postgresDependency(pool);
const app = buildApp({ config, readiness: readinessOf([postgres]), useCases, jwks: () => jwks, metrics });
registerStoreMetrics(app.metrics, { postgres: pool });

const messaging = await startServiceMessaging({
  pool,
  config,
  publishes: { topic: USER_EVENTS_TOPIC, topicArn: config.USER_EVENTS_TOPIC_ARN },
  consumes: { name: 'tweet event consumer', handlers: tweetEventHandlers(useCases.recordTweetFact) },
  log,
  metrics: app.metrics,
});

await runHttpService(app, {
  ...runOptionsOf(config),
  consumers: [messaging.consumer],
  resources: [
    messaging.relay,
    {
      name: 'revocation redis',
      watch: (log) =>
        revocationRedis.on('error', (err) => log.warn({ err, dependency: 'revocation-redis' }, "gateways' Redis connection error; session revocations are retried until it answers (check REDIS_URL)")),
      close: async () => {
        revocations.close();
        await revocationRedis.quit();
      },
    },
    { name: 'worker id lease', close: () => worker.release() },
    postgres,
  ],
});
