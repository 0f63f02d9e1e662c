// Composition root: config → clients → adapters → use cases → the roles this process runs.
import { systemClock } from '@chirp/kernel/clock';
import { createAwsMessagingClients } from '@chirp/common/aws-clients';
import { cassandraDependency, readinessOf, redisDependency, redisRetryStrategy } from '@chirp/common/dependencies';
import { createDownstreamMetrics } from '@chirp/common/downstream-metrics';
import { createConsumerMetrics } from '@chirp/common/messaging-metrics';
import { createSqsConsumer, queueSettingsOf } from '@chirp/common/sqs-consumer';
import { runHttpService, runOptionsOf } from '@chirp/common/http';
import { createLogger } from '@chirp/common/logging';
import { createServiceClient } from '@chirp/common/service-client';
import { registerStoreMetrics } from '@chirp/common/store-metrics';
import { Redis } from 'ioredis';
import { createStreamPublisher, streamChannels } from '@chirp/common/stream-channels';
import { Registry } from 'prom-client';
import { createSqsFanoutQueue } from './adapters/messaging/fanout-chunks.ts';
import { timelineEventHandlers } from './adapters/messaging/timeline-event-handlers.ts';
import { buildApp } from './app.ts';
import { createCassandraClient } from './infrastructure/cassandra-client.ts';
import { migrateCassandra } from './infrastructure/cassandra-schema.ts';
import { createCassandraAuthorTweetStore } from './infrastructure/cassandra-author-tweet-store.ts';
import { createCassandraDeletedTweets } from './infrastructure/cassandra-deleted-tweets.ts';
import { createCassandraFollowGraph } from './infrastructure/cassandra-follow-graph.ts';
import { createCassandraHighFollowerAuthors } from './infrastructure/cassandra-high-follower-authors.ts';
import { createCassandraHomeTimelineStore } from './infrastructure/cassandra-home-timeline-store.ts';
import { loadTimelineConfig } from './infrastructure/config.ts';
import { createTimelineMetrics } from './infrastructure/metrics.ts';
import { createRedisTimelineCache } from './infrastructure/redis-timeline-cache.ts';
import { createRedisLiveUpdates } from './infrastructure/redis-live-updates.ts';
import { createTweetServiceHydrator } from './infrastructure/tweet-service-hydrator.ts';
import { makeTimelineUseCases } from './use-cases/timeline-use-cases.ts';

const config = loadTimelineConfig(process.env);
const log = createLogger('timeline', config.LOG_LEVEL).child({ role: config.TIMELINE_ROLE });
const contactPoints = config.CASSANDRA_CONTACT_POINTS.split(',');
if (config.RUN_MIGRATIONS) await migrateCassandra(config);
const client = createCassandraClient({ contactPoints, localDataCenter: config.CASSANDRA_LOCAL_DC, keyspace: config.CASSANDRA_KEYSPACE });
// A short command timeout: a slow cache must not slow reads that Cassandra can answer.
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 1000, retryStrategy: redisRetryStrategy });
const { sqs } = createAwsMessagingClients({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL });
const registry = new Registry();
const serveApi = config.TIMELINE_ROLE !== 'consumer';
const consume = config.TIMELINE_ROLE !== 'api';
registerStoreMetrics(registry, { cassandra: client, redis });
const metrics = createTimelineMetrics(registry, consume ? { sqs, queueUrl: config.EVENTS_QUEUE_URL } : undefined);
const tweetService = createServiceClient({
  name: 'tweet',
  baseUrl: config.TWEET_SERVICE_URL,
  timeoutMs: 1500,
  retries: 1,
  breaker: { resetTimeoutMs: 5000 },
  ...createDownstreamMetrics(registry, log, { downstreams: ['tweet'], breakerResetMs: 5000 }),
});

// Live updates go to the gateway's Redis; the timeline cache's when the two are one.
const streamRedis = config.STREAM_REDIS_URL ? new Redis(config.STREAM_REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 1000 }) : redis;

const useCases = makeTimelineUseCases({
  homeTimelines: createCassandraHomeTimelineStore(client, { writeBatch: config.FANOUT_WRITE_BATCH }),
  authorTweets: createCassandraAuthorTweetStore(client),
  deleted: createCassandraDeletedTweets(client),
  graph: createCassandraFollowGraph(client),
  cache: createRedisTimelineCache(redis, { ttlSeconds: config.TIMELINE_CACHE_TTL_SECONDS, log }),
  highFollowers: createCassandraHighFollowerAuthors(client, { refreshMs: config.HIGH_FOLLOWER_REFRESH_MS }),
  queue: createSqsFanoutQueue({ sqs, queueUrl: config.EVENTS_QUEUE_URL }),
  metrics: metrics.fanout,
  tweets: createTweetServiceHydrator(tweetService),
  clock: systemClock,
  settings: { highFollowerThreshold: config.HIGH_FOLLOWER_THRESHOLD, chunkSize: config.FANOUT_CHUNK_SIZE },
  live: createRedisLiveUpdates({
    publisher: createStreamPublisher(streamRedis),
    channels: streamChannels(config.STREAM_CHANNEL_PREFIX),
    tweets: tweetService,
    registry,
    log: log.child({ component: 'live-updates' }),
  }),
});

const cassandraDep = cassandraDependency(client);
// Redis is a cache: reads fall back to Cassandra, so it never decides readiness.
const app = buildApp({ config, readiness: readinessOf([cassandraDep]), metrics: registry, ...(serveApi ? { useCases } : {}) });

const queueMetrics = consume
  ? createConsumerMetrics(registry, { sqs, queueUrl: config.EVENTS_QUEUE_URL, deadLetterQueueUrl: config.EVENTS_DLQ_URL, log })
  : undefined;
const consumer = queueMetrics
  ? createSqsConsumer({
      sqs,
      ...queueSettingsOf(config),
      handlers: timelineEventHandlers(useCases),
      log,
      concurrency: config.CONSUMER_CONCURRENCY,
      onProcessed: (outcome, event, startedAt) => {
        metrics.onProcessed(outcome, event);
        queueMetrics.onProcessed(outcome, event, startedAt);
      },
    })
  : undefined;
consumer?.start();

await runHttpService(app, {
  ...runOptionsOf(config),
  consumers: consumer ? [{ name: 'timeline event consumer', close: () => consumer.stop() }] : [],
  resources: [
    { name: 'tweet service client', close: () => tweetService.close() },
    ...(streamRedis === redis ? [] : [{ name: 'stream redis', close: () => streamRedis.quit() }]),
    redisDependency(redis),
    cassandraDep,
  ],
});
