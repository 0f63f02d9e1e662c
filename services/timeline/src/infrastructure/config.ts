import { HttpServerConfig, loadConfig, MessagingConfig, UrlString } from '@chirp/common/config';
import { type Static, Type } from '@sinclair/typebox';

/** Where the timeline's tables live; all the `migrate` command needs. */
export const CassandraConfig = {
  /** Comma-separated host:port list. */
  CASSANDRA_CONTACT_POINTS: Type.String({ pattern: '^[^,\\s]+(,[^,\\s]+)*$' }),
  CASSANDRA_LOCAL_DC: Type.String({ default: 'datacenter1' }),
  CASSANDRA_KEYSPACE: Type.String({ pattern: '^[a-z][a-z0-9_]{0,47}$', default: 'chirp_timeline' }),
  /** The keyspace's replication, used only when the keyspace is created. */
  CASSANDRA_REPLICATION: Type.String({ default: "{'class': 'SimpleStrategy', 'replication_factor': 1}" }),
};

export const TimelineConfigSchema = Type.Object({
  ...HttpServerConfig,
  ...MessagingConfig,
  /**
   * What this process runs: `api` (home timeline reads), `consumer` (the queue: fan-out and the
   * follow graph), or `all` (both, for local use). One image; Kubernetes runs the two apart so
   * they scale apart. Every role serves /healthz, /readyz and /metrics.
   */
  TIMELINE_ROLE: Type.Union([Type.Literal('api'), Type.Literal('consumer'), Type.Literal('all')], { default: 'all' }),
  ...CassandraConfig,
  REDIS_URL: UrlString(),
  /** Live updates for the gateway's streams: its Redis (REDIS_URL when unset) and channel prefix. */
  STREAM_REDIS_URL: Type.Optional(UrlString()),
  STREAM_CHANNEL_PREFIX: Type.String({ default: 'chirp:stream:' }),
  /** Creates the keyspace and tables at start-up (the `migrate` command does the same on its own). */
  RUN_MIGRATIONS: Type.Boolean({ default: true }),
  /** The tweet service, for hydrating pages. */
  TWEET_SERVICE_URL: UrlString(),
  /** Authors with at least this many followers are merged on read instead of fanned out. */
  HIGH_FOLLOWER_THRESHOLD: Type.Integer({ minimum: 1, default: 10_000 }),
  /** Followers per fan-out chunk: one chunk runs inline, more are shared through the queue. */
  FANOUT_CHUNK_SIZE: Type.Integer({ minimum: 1, maximum: 5000, default: 1000 }),
  /**
   * Timeline rows per unlogged batch when fanning out (1: one statement per row). Batches of
   * rows in many partitions cost the coordinator; 50 suits one node or a small cluster, 1–10
   * a large one (scale consumers instead).
   */
  FANOUT_WRITE_BATCH: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  /** Events handled at once by one consumer process. */
  CONSUMER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  /** How long a cached home timeline lives after its build; bounds how far a failed cache write can leave it behind. */
  TIMELINE_CACHE_TTL_SECONDS: Type.Integer({ minimum: 60, default: 3600 }),
  /** How often each process re-reads the high-follower authors. */
  HIGH_FOLLOWER_REFRESH_MS: Type.Integer({ minimum: 100, default: 5000 }),
});
export type TimelineConfig = Static<typeof TimelineConfigSchema>;

export const loadTimelineConfig = (env: NodeJS.ProcessEnv): TimelineConfig => loadConfig(TimelineConfigSchema, env);
