import { HttpServerConfig, loadConfig, UrlString } from '@chirp/common/config';
import { type Static, Type } from '@sinclair/typebox';

export const TimelineConfigSchema = Type.Object({
  ...HttpServerConfig,
  REDIS_URL: UrlString(),
  /** Comma-separated host:port list. */
  CASSANDRA_CONTACT_POINTS: Type.String({ pattern: '^[^,\\s]+(,[^,\\s]+)*$' }),
  CASSANDRA_LOCAL_DC: Type.String({ default: 'datacenter1' }),
});
export type TimelineConfig = Static<typeof TimelineConfigSchema>;

export const loadTimelineConfig = (env: NodeJS.ProcessEnv): TimelineConfig => loadConfig(TimelineConfigSchema, env);
