// Composition root: config → clients → adapters → use cases → app → listen.
import { createAwsMessagingClients } from '@chirp/common/aws-clients';
import { createPostgresPool, postgresDependency, readinessOf } from '@chirp/common/dependencies';
import { createSnsEventPublisher, createSqsConsumer } from '@chirp/common/events';
import { runHttpService } from '@chirp/common/http';
import { createIdGenerator } from '@chirp/common/ids';
import { createLogger } from '@chirp/common/logging';
import { createOutboxRelay } from '@chirp/common/outbox';
import { runMigrations } from '@chirp/common/pg-migrations';
import { USER_EVENTS_TOPIC } from '@chirp/common/user-events';
import { tweetEventHandlers } from './adapters/messaging/tweet-event-handlers.ts';
import { buildApp } from './app.ts';
import { createArgon2PasswordHasher } from './infrastructure/argon2-password-hasher.ts';
import { loadUserConfig } from './infrastructure/config.ts';
import { createJwtAccessTokenIssuer, loadSigningKeys, publicJwks } from './infrastructure/jwt-access-tokens.ts';
import { USER_MIGRATIONS } from './infrastructure/migrations.ts';
import { createPgUserStore } from './infrastructure/pg-user-store.ts';
import { createRandomTokenSecrets } from './infrastructure/random-token-secrets.ts';
import { systemClock } from './infrastructure/system-clock.ts';
import { makeUserUseCases } from './use-cases/user-use-cases.ts';

const config = loadUserConfig(process.env);
const pool = createPostgresPool(config);
const keys = await loadSigningKeys(config.JWT_KEYS_DIR, config.JWT_ACTIVE_KID);
const jwks = publicJwks(keys);
const useCases = makeUserUseCases({
  users: createPgUserStore(pool),
  hasher: createArgon2PasswordHasher(),
  issuer: createJwtAccessTokenIssuer(keys, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS }, systemClock),
  secrets: createRandomTokenSecrets(),
  ids: createIdGenerator({ workerId: config.WORKER_ID }),
  clock: systemClock,
  lifetimes: { refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS, sessionMaxAgeSeconds: config.SESSION_MAX_AGE_SECONDS },
});

const postgres = postgresDependency(pool);
const app = buildApp({ config, readiness: readinessOf([postgres]), useCases, jwks: () => jwks });

// The relay and the consumer log as their own components, beside the HTTP server's request log.
const log = createLogger('user', config.LOG_LEVEL);
const { sns, sqs } = createAwsMessagingClients({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL });
const relay = createOutboxRelay({
  pool,
  publishers: { [USER_EVENTS_TOPIC]: createSnsEventPublisher({ sns, topicArn: config.USER_EVENTS_TOPIC_ARN }) },
  log,
});
const consumer = createSqsConsumer({
  sqs,
  queueUrl: config.EVENTS_QUEUE_URL,
  deadLetterQueueUrl: config.EVENTS_DLQ_URL,
  handlers: tweetEventHandlers(useCases.recordTweetFact),
  log,
});
if (config.RUN_MIGRATIONS) await runMigrations(pool, USER_MIGRATIONS, log);
await relay.start();
consumer.start();

await runHttpService(app, {
  host: config.HOST,
  port: config.PORT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  resources: [
    { name: 'tweet event consumer', close: () => consumer.stop() },
    { name: 'outbox relay', close: () => relay.stop() },
    postgres,
  ],
});
