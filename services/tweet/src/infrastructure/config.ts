import { HttpServerConfig, loadConfig, UrlString } from '@chirp/common/config';
import { type Static, Type } from '@sinclair/typebox';

export const TweetConfigSchema = Type.Object({
  ...HttpServerConfig,
  DATABASE_URL: UrlString(),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, default: 20 }),
  REDIS_URL: UrlString(),
});
export type TweetConfig = Static<typeof TweetConfigSchema>;

export const loadTweetConfig = (env: NodeJS.ProcessEnv): TweetConfig => loadConfig(TweetConfigSchema, env);
