import { HttpServerConfig, IdIssuerConfig, loadConfig, MessagingConfig, PostgresConfig, UrlString } from '@chirp/common/config';
import { type Static, Type } from '@sinclair/typebox';

export const TweetConfigSchema = Type.Object({
  ...HttpServerConfig,
  ...PostgresConfig,
  ...IdIssuerConfig,
  ...MessagingConfig,
  REDIS_URL: UrlString(),
  /**
   * How long a tweet or author stays cached after it was last loaded or changed. Writes keep
   * entries current; this bounds staleness only when a cache write failed.
   */
  TWEET_CACHE_TTL_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
  /** Where the outbox relay publishes tweet events; the queue (EVENTS_QUEUE_URL) brings user events, for author names. */
  TWEET_EVENTS_TOPIC_ARN: Type.String({ pattern: '^arn:' }),
  /** How often expired idempotency keys are pruned. */
  IDEMPOTENCY_PRUNE_INTERVAL_SECONDS: Type.Integer({ minimum: 1, default: 600 }),
});
export type TweetConfig = Static<typeof TweetConfigSchema>;

export const loadTweetConfig = (env: NodeJS.ProcessEnv): TweetConfig => loadConfig(TweetConfigSchema, env);
