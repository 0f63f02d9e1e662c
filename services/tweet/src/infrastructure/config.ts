import { HttpServerConfig, IdIssuerConfig, loadConfig, MessagingConfig, PostgresConfig, UrlString } from '@chirp/common/config';
import { DEFAULT_MEDIA_BUCKET } from '@chirp/common/object-storage';
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
  /** The bucket media is uploaded to and served from (created by the local stack, by hand in AWS: k8s/README.md). */
  MEDIA_BUCKET: Type.String({ minLength: 3, maxLength: 63, pattern: '^[a-z0-9][a-z0-9.-]+[a-z0-9]$', default: DEFAULT_MEDIA_BUCKET }),
  /** The bucket's region; AWS_REGION when unset. */
  MEDIA_REGION: Type.Optional(Type.String({ minLength: 1 })),
  /** S3's endpoint for the local emulator (path-style addressing); AWS_ENDPOINT_URL when unset; unset in AWS. */
  MEDIA_S3_ENDPOINT_URL: Type.Optional(UrlString({ schemes: ['http', 'https'] })),
  /**
   * Where clients read media from: `<base>/<key>` (CloudFront in front of the bucket in AWS).
   * Unset: the bucket itself, `<endpoint>/<bucket>` with an endpoint, else its S3 URL.
   */
  MEDIA_PUBLIC_BASE_URL: Type.Optional(UrlString({ schemes: ['http', 'https'] })),
  /** How long an upload form stays valid, and how long the poller keeps looking for its upload. */
  MEDIA_UPLOAD_EXPIRY_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400, default: 900 }),
  /** How often pending uploads are checked (a media is ready within this, plus the check, of its upload). */
  MEDIA_VERIFY_INTERVAL_MS: Type.Integer({ minimum: 100, default: 1000 }),
  /** How often media never attached for 24 hours, and deleted tweets' media left behind, are removed. */
  MEDIA_SWEEP_INTERVAL_SECONDS: Type.Integer({ minimum: 1, default: 600 }),
});
export type TweetConfig = Static<typeof TweetConfigSchema>;

export const loadTweetConfig = (env: NodeJS.ProcessEnv): TweetConfig => loadConfig(TweetConfigSchema, env);

/** The media bucket's S3 endpoint, region and public URL, with the fall-backs the schema describes. */
export function mediaStorageOf(config: TweetConfig): { region: string; endpoint: string | undefined; bucket: string; publicBaseUrl: string } {
  const region = config.MEDIA_REGION ?? config.AWS_REGION;
  const endpoint = config.MEDIA_S3_ENDPOINT_URL ?? config.AWS_ENDPOINT_URL;
  const bucketUrl = endpoint ? `${endpoint.replace(/\/+$/, '')}/${config.MEDIA_BUCKET}` : `https://${config.MEDIA_BUCKET}.s3.${region}.amazonaws.com`;
  return { region, endpoint, bucket: config.MEDIA_BUCKET, publicBaseUrl: config.MEDIA_PUBLIC_BASE_URL ?? bucketUrl };
}
