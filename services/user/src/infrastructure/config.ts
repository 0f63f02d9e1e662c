import { HttpServerConfig, IdIssuerConfig, loadConfig, MessagingConfig, PostgresConfig, receiveGatherSetting, UrlString } from '@chirp/common/config';
import { type Static, Type } from '@sinclair/typebox';

export const UserConfigSchema = Type.Object({
  ...HttpServerConfig,
  ...PostgresConfig,
  ...IdIssuerConfig,
  ...MessagingConfig,
  /** Tweet counts may lag a second: tweet events trickling in are received and deleted a second's worth at a time. */
  SQS_RECEIVE_GATHER_MS: receiveGatherSetting(1000),
  /** A folder of `<kid>.pem` RSA private keys (a mounted Secret); every key's public half is in the JWKS. */
  JWT_KEYS_DIR: Type.String({ minLength: 1 }),
  /** The key that signs new tokens; rotate by adding a key, publishing it, then switching this. */
  JWT_ACTIVE_KID: Type.String({ minLength: 1 }),
  JWT_ISSUER: Type.String({ minLength: 1, default: 'chirp-user' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'chirp-api' }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 3600, default: 30 * 24 * 3600 }),
  SESSION_MAX_AGE_SECONDS: Type.Integer({ minimum: 3600, default: 90 * 24 * 3600 }),
  /** The gateways' Redis: sign-outs and revoked sessions are pushed there, so every gateway refuses their access tokens at once. */
  REDIS_URL: UrlString({ schemes: ['redis', 'rediss'] }),
  /** Names the revoked-session set and channel; the gateways' SESSION_REVOCATION_PREFIX must be the same. */
  SESSION_REVOCATION_PREFIX: Type.String({ minLength: 1, default: 'chirp:sessions:' }),
  /** Where the outbox relay publishes user events; the queue (EVENTS_QUEUE_URL) brings tweet events, for tweet counts. */
  USER_EVENTS_TOPIC_ARN: Type.String({ pattern: '^arn:' }),
});
export type UserConfig = Static<typeof UserConfigSchema>;

export const loadUserConfig = (env: NodeJS.ProcessEnv): UserConfig => loadConfig(UserConfigSchema, env);
