import { HttpServerConfig, loadConfig, UrlString } from '@chirp/common/config';
import { type Static, Type } from '@sinclair/typebox';

export const GatewayConfigSchema = Type.Object({
  ...HttpServerConfig,
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 8 * 1024 }),
  REDIS_URL: UrlString(),
  USER_SERVICE_URL: UrlString(),
  TWEET_SERVICE_URL: UrlString(),
  TIMELINE_SERVICE_URL: UrlString(),
});
export type GatewayConfig = Static<typeof GatewayConfigSchema>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv): GatewayConfig => loadConfig(GatewayConfigSchema, env);
