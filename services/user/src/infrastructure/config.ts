import { HttpServerConfig, loadConfig, UrlString } from '@chirp/common/config';
import { MAX_WORKER_ID } from '@chirp/common/ids';
import { type Static, Type } from '@sinclair/typebox';

export const UserConfigSchema = Type.Object({
  ...HttpServerConfig,
  DATABASE_URL: UrlString(),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, default: 20 }),
  /** Applies pending migrations before listening (the `migrate` command does the same on its own). */
  RUN_MIGRATIONS: Type.Boolean({ default: true }),
  /** This replica's Snowflake worker: unique among the replicas issuing user ids at one time. */
  WORKER_ID: Type.Integer({ minimum: 0, maximum: MAX_WORKER_ID, default: 0 }),
  /** A folder of `<kid>.pem` RSA private keys (a mounted Secret); every key's public half is in the JWKS. */
  JWT_KEYS_DIR: Type.String({ minLength: 1 }),
  /** The key that signs new tokens; rotate by adding a key, publishing it, then switching this. */
  JWT_ACTIVE_KID: Type.String({ minLength: 1 }),
  JWT_ISSUER: Type.String({ minLength: 1, default: 'chirp-user' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'chirp-api' }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 3600, default: 30 * 24 * 3600 }),
  SESSION_MAX_AGE_SECONDS: Type.Integer({ minimum: 3600, default: 90 * 24 * 3600 }),
  AWS_REGION: Type.String({ default: 'us-east-1' }),
  /** Set for the SNS/SQS emulator; unset in AWS. */
  AWS_ENDPOINT_URL: Type.Optional(UrlString()),
  /** Where the outbox relay publishes user events. */
  USER_EVENTS_TOPIC_ARN: Type.String({ pattern: '^arn:' }),
  /** The queue of tweet events this service keeps tweet counts from, and its dead-letter queue. */
  EVENTS_QUEUE_URL: UrlString(),
  EVENTS_DLQ_URL: UrlString(),
});
export type UserConfig = Static<typeof UserConfigSchema>;

export const loadUserConfig = (env: NodeJS.ProcessEnv): UserConfig => loadConfig(UserConfigSchema, env);
