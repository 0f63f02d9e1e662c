// Composition root: config → clients → adapters → use cases → app → listen.
import { createPostgresPool, postgresDependency, readinessOf, redisDependency, redisRetryStrategy } from '@chirp/common/dependencies';
import { repeatEvery } from '@chirp/common/periodic-task';
import { runHttpService, runOptionsOf } from '@chirp/common/http';
import { createIdGenerator } from '@chirp/kernel/ids';
import { createLogger } from '@chirp/common/logging';
import { runMigrations } from '@chirp/common/pg-migrations';
import { startServiceMessaging } from '@chirp/common/service-messaging';
import { registerStoreMetrics } from '@chirp/common/store-metrics';
import { workerIdFor } from '@chirp/common/worker-lease';
import { TWEET_EVENTS_TOPIC } from '@chirp/kernel/tweet-events';
import { Redis } from 'ioredis';
import { userEventHandlers } from './adapters/messaging/user-event-handlers.ts';
import { buildApp } from './app.ts';
import { loadTweetConfig, mediaStorageOf } from './infrastructure/config.ts';
import { createImageSizeInspector } from './infrastructure/image-size-inspector.ts';
import { TWEET_MIGRATIONS } from './infrastructure/migrations.ts';
import { createPgMediaStore } from './infrastructure/pg-media-store.ts';
import { createPgTweetStore } from './infrastructure/pg-tweet-store.ts';
import { createRedisTweetCache } from './infrastructure/redis-tweet-cache.ts';
import { createS3MediaStorage } from './infrastructure/s3-media-storage.ts';
import { createS3Client } from '@chirp/common/object-storage';
import { makeTweetUseCases } from './use-cases/tweet-use-cases.ts';

const config = loadTweetConfig(process.env);
// The relay, the consumer and the cache log as their own components, beside the HTTP server's request log.
const log = createLogger('tweet', config.LOG_LEVEL);
const pool = createPostgresPool(config);
// A short command timeout: a slow cache must not slow reads that Postgres can answer.
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 500, enableOfflineQueue: false, retryStrategy: redisRetryStrategy });
if (config.RUN_MIGRATIONS) await runMigrations(pool, TWEET_MIGRATIONS, log);
const worker = await workerIdFor(config, pool, log);
const mediaBucket = mediaStorageOf(config);
const s3 = createS3Client(mediaBucket);

const useCases = makeTweetUseCases({
  tweets: createPgTweetStore(pool),
  cache: createRedisTweetCache(redis, { ttlSeconds: config.TWEET_CACHE_TTL_SECONDS, log }),
  ids: createIdGenerator({ workerId: worker.workerId }),
  clock: { now: () => new Date() },
  media: createPgMediaStore(pool),
  storage: createS3MediaStorage(s3, mediaBucket),
  images: createImageSizeInspector(),
  uploadExpirySeconds: config.MEDIA_UPLOAD_EXPIRY_SECONDS,
  verifyIntervalMs: config.MEDIA_VERIFY_INTERVAL_MS,
});

const postgres = postgresDependency(pool);
const app = buildApp({ config, readiness: readinessOf([postgres]), useCases });
registerStoreMetrics(app.metrics, { postgres: pool, redis });

const messaging = await startServiceMessaging({
  pool,
  config,
  publishes: { topic: TWEET_EVENTS_TOPIC, topicArn: config.TWEET_EVENTS_TOPIC_ARN },
  consumes: { name: 'user event consumer', handlers: userEventHandlers(useCases.learnAuthor) },
  log,
  metrics: app.metrics,
});

const pruning = repeatEvery(config.IDEMPOTENCY_PRUNE_INTERVAL_SECONDS * 1000, async () => {
  const pruned = await useCases.pruneIdempotencyKeys();
  if (pruned > 0) log.info({ pruned }, 'expired idempotency keys pruned');
}, (err) => log.warn({ err }, 'pruning idempotency keys failed; it is retried next interval (check Postgres)'));

// Uploads are verified by polling: the local emulator sends no S3 event notifications (README.md, "Media").
const mediaLog = log.child({ component: 'media' });
const verifying = repeatEvery(config.MEDIA_VERIFY_INTERVAL_MS, async () => {
  for (const { media, failedBecause } of await useCases.verifyPendingMedia()) {
    if (failedBecause) mediaLog.info({ mediaId: media.id, ownerId: media.ownerId, reason: failedBecause }, 'upload failed verification');
    else mediaLog.debug({ mediaId: media.id, width: media.width, height: media.height }, 'upload verified');
  }
}, (err) => mediaLog.warn({ err, bucket: mediaBucket.bucket }, 'verifying pending uploads failed; retried next interval (check Postgres and the S3 endpoint)'));
const sweeping = repeatEvery(config.MEDIA_SWEEP_INTERVAL_SECONDS * 1000, async () => {
  const removed = await useCases.sweepMedia();
  if (removed > 0) mediaLog.info({ removed }, 'unused media removed');
}, (err) => mediaLog.warn({ err, bucket: mediaBucket.bucket }, 'the media sweep failed; retried next interval (check Postgres and the S3 endpoint)'));

await runHttpService(app, {
  ...runOptionsOf(config),
  consumers: [messaging.consumer],
  resources: [
    { name: 'idempotency key pruning', close: () => pruning.stop() },
    { name: 'media verification', close: () => verifying.stop() },
    { name: 'media sweep', close: () => sweeping.stop() },
    { name: 'media bucket client', close: async () => s3.destroy() },
    messaging.relay,
    { name: 'worker id lease', close: () => worker.release() },
    redisDependency(redis),
    postgres,
  ],
});
