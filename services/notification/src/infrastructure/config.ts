import { HttpServerConfig, IdIssuerConfig, loadConfig, MessagingConfig, PostgresConfig, receiveGatherSetting, UrlString } from '@chirp/common/config';
import { type Static, Type } from '@sinclair/typebox';

export const NotificationConfigSchema = Type.Object({
  ...HttpServerConfig,
  ...PostgresConfig,
  ...IdIssuerConfig,
  ...MessagingConfig,
  /**
   * Events trickling in are received a quarter second's worth at a time: a notification is listed
   * within 2 s of the act and streamed within 1 s (the API's rules), and this takes 250 ms of that.
   */
  SQS_RECEIVE_GATHER_MS: receiveGatherSetting(250),
  /** The Redis the gateway replicas listen on for stream events (pub/sub). */
  REDIS_URL: UrlString(),
  /** Prefix of the stream channels; the gateway must use the same. */
  STREAM_CHANNEL_PREFIX: Type.String({ default: 'chirp:stream:' }),
  /** Hydration: tweets from the tweet service, and users whose events have not arrived yet from the user service. */
  TWEET_SERVICE_URL: UrlString(),
  USER_SERVICE_URL: UrlString(),
  DOWNSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 50, default: 1500 }),
  /** Events handled at once by the queue consumer. */
  CONSUMER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  /** How often held mentions and old deletion markers are pruned. */
  PRUNE_INTERVAL_SECONDS: Type.Integer({ minimum: 1, default: 600 }),
});
export type NotificationConfig = Static<typeof NotificationConfigSchema>;

export const loadNotificationConfig = (env: NodeJS.ProcessEnv): NotificationConfig => loadConfig(NotificationConfigSchema, env);
