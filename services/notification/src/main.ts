// Composition root: config → clients → adapters → use cases → app → listen.
import { systemClock } from '@chirp/kernel/clock';
import { createAwsMessagingClients } from '@chirp/common/aws-clients';
import { createPostgresPool, postgresDependency, readinessOf, redisDependency, redisRetryStrategy } from '@chirp/common/dependencies';
import { createSqsConsumer, queueSettingsOf } from '@chirp/common/sqs-consumer';
import { repeatEvery } from '@chirp/common/periodic-task';
import { runHttpService, runOptionsOf } from '@chirp/common/http';
import { createIdGenerator } from '@chirp/kernel/ids';
import { createDownstreamMetrics } from '@chirp/common/downstream-metrics';
import { createLogger } from '@chirp/common/logging';
import { createConsumerMetrics } from '@chirp/common/messaging-metrics';
import { runMigrations } from '@chirp/common/pg-migrations';
import { createServiceClient } from '@chirp/common/service-client';
import { registerStoreMetrics } from '@chirp/common/store-metrics';
import { createStreamPublisher, streamChannels } from '@chirp/common/stream-channels';
import { workerIdFor } from '@chirp/common/worker-lease';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { notificationEventHandlers } from './adapters/messaging/event-handlers.ts';
import { buildApp } from './app.ts';
import { loadNotificationConfig } from './infrastructure/config.ts';
import { createNotificationMetrics } from './infrastructure/metrics.ts';
import { NOTIFICATION_MIGRATIONS } from './infrastructure/migrations.ts';
import { createPgNotificationStore, createPgUserDirectory } from './infrastructure/pg-notification-store.ts';
import { createRedisNotificationPush } from './infrastructure/redis-notification-push.ts';
import { createTweetServiceHydrator, createUserServiceLookup } from './infrastructure/service-hydration.ts';
import { makeNotificationUseCases } from './use-cases/notification-use-cases.ts';

const config = loadNotificationConfig(process.env);
const log = createLogger('notification', config.LOG_LEVEL);
const pool = createPostgresPool(config);
// Pushes are best effort (clients replay from Postgres): fail fast rather than hold an event up.
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 500, enableOfflineQueue: false, retryStrategy: redisRetryStrategy });
if (config.RUN_MIGRATIONS) await runMigrations(pool, NOTIFICATION_MIGRATIONS, log);
const worker = await workerIdFor(config, pool, log);
const registry = new Registry();
const metrics = createNotificationMetrics(registry, log);
registerStoreMetrics(registry, { postgres: pool, redis });
const BREAKER_RESET_MS = 5000;
const downstreamHooks = createDownstreamMetrics(registry, log, { downstreams: ['tweet', 'user'], breakerResetMs: BREAKER_RESET_MS });
const downstream = (name: string, baseUrl: string) =>
  createServiceClient({ name, baseUrl, timeoutMs: config.DOWNSTREAM_TIMEOUT_MS, retries: 1, breaker: { resetTimeoutMs: BREAKER_RESET_MS }, ...downstreamHooks });
const tweetService = downstream('tweet', config.TWEET_SERVICE_URL);
const userService = downstream('user', config.USER_SERVICE_URL);

const useCases = makeNotificationUseCases({
  store: createPgNotificationStore(pool),
  users: createPgUserDirectory(pool),
  userLookup: createUserServiceLookup(userService),
  tweets: createTweetServiceHydrator(tweetService),
  push: createRedisNotificationPush(createStreamPublisher(redis), streamChannels(config.STREAM_CHANNEL_PREFIX)),
  metrics,
  ids: createIdGenerator({ workerId: worker.workerId }),
  clock: systemClock,
});

const postgres = postgresDependency(pool);
const app = buildApp({ config, readiness: readinessOf([postgres]), useCases, metrics: registry });

const { sqs } = createAwsMessagingClients({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL });
const queueMetrics = createConsumerMetrics(registry, { sqs, queueUrl: config.EVENTS_QUEUE_URL, deadLetterQueueUrl: config.EVENTS_DLQ_URL, log });
const consumer = createSqsConsumer({
  sqs,
  ...queueSettingsOf(config),
  handlers: notificationEventHandlers(useCases),
  log,
  concurrency: config.CONSUMER_CONCURRENCY,
  onProcessed: queueMetrics.onProcessed,
});
consumer.start();

const pruning = repeatEvery(config.PRUNE_INTERVAL_SECONDS * 1000, async () => {
  const pruned = await useCases.pruneExpiredRecords();
  if (pruned.heldMentions > 0 || pruned.deletionMarkers > 0) log.info(pruned, 'expired held mentions and deletion markers pruned');
}, (err) => log.warn({ err }, 'pruning expired records failed; it is retried next interval (check Postgres)'));

await runHttpService(app, {
  ...runOptionsOf(config),
  consumers: [{ name: 'notification event consumer', close: () => consumer.stop() }],
  resources: [
    { name: 'pruning', close: () => pruning.stop() },
    { name: 'tweet service client', close: () => tweetService.close() },
    { name: 'user service client', close: () => userService.close() },
    { name: 'worker id lease', close: () => worker.release() },
    redisDependency(redis),
    postgres,
  ],
});
