import { HttpServerConfig, loadConfig, UrlString } from '@chirp/common/config';
import { type Static, Type } from '@sinclair/typebox';

export const UserConfigSchema = Type.Object({
  ...HttpServerConfig,
  DATABASE_URL: UrlString(),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, default: 20 }),
});
export type UserConfig = Static<typeof UserConfigSchema>;

export const loadUserConfig = (env: NodeJS.ProcessEnv): UserConfig => loadConfig(UserConfigSchema, env);
