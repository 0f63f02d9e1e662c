import type { Client as CassandraClient } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import pg, { type Pool } from 'pg';
import type { Logger } from 'pino';
import type { ReadinessCheck } from './http-service.ts';
import { PreparingClient } from './pg-prepared.ts';

/**
 * A store a service depends on, declared once: how to tell it can serve (readiness),
 * where its background errors go (the service log), and how to close it on shutdown.
 */
export interface Dependency<N extends string = string> {
  name: N;
  check: ReadinessCheck;
  /** Routes the client's background errors (dropped idle connections, reconnects) to the log. */
  watch?(log: Logger): void;
  close(): Promise<unknown>;
}

/**
 * A pool with the timeouts of `PostgresConfig`: a saturated pool or a stuck statement fails fast (503), never hangs.
 * Reconnection is on demand: every checkout after the server answers again opens a new connection.
 */
export const createPostgresPool = (config: {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
  DATABASE_CONNECT_TIMEOUT_MS: number;
  DATABASE_STATEMENT_TIMEOUT_MS: number;
  DATABASE_PREPARED_STATEMENTS?: boolean;
}): Pool => {
  const pool = new pg.Pool({
    // Statements with parameters run prepared, once parsed per connection (pg-prepared.ts).
    ...(config.DATABASE_PREPARED_STATEMENTS === false ? {} : { Client: PreparingClient }),
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_SIZE,
    connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
    statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
  });
  // A checked-out connection that drops (the server restarted: 57P01) emits 'error' with no pool
  // listener attached, which would end the process. The query using it fails with that error and
  // the pool discards the connection on release, so there is nothing more to do here.
  pool.on('connect', (client) => client.on('error', ignoreCheckedOutConnectionError));
  return pool;
};
const ignoreCheckedOutConnectionError = (): void => undefined;

export const postgresDependency = (pool: Pool): Dependency<'postgres'> => ({
  name: 'postgres',
  check: () => pool.query('SELECT 1'),
  watch: (log) => {
    pool.on('error', (err) => log.error({ err, dependency: 'postgres' }, 'idle postgres connection failed; check DATABASE_URL and the server'));
  },
  close: () => pool.end(),
});

/**
 * ioredis `retryStrategy`: reconnect attempts 100 ms apart, growing to one a second and staying
 * there however long Redis is away, so a Redis that answers again is used within about a second.
 */
export const redisRetryStrategy = (attempt: number): number => Math.min(attempt * 100, 1000);

export const redisDependency = (redis: Redis): Dependency<'redis'> => ({
  name: 'redis',
  check: () => redis.ping(),
  watch: (log) => {
    redis.on('error', (err) => log.warn({ err, dependency: 'redis' }, 'redis connection error; check REDIS_URL and the server'));
  },
  close: () => redis.quit(),
});

export const cassandraDependency = (client: CassandraClient): Dependency<'cassandra'> => ({
  name: 'cassandra',
  check: () => client.execute('SELECT release_version FROM system.local'),
  close: () => client.shutdown(),
});

/** The readiness checks of a list of dependencies, keyed by their names. */
export function readinessOf<N extends string>(dependencies: ReadonlyArray<Dependency<N>>): Record<N, ReadinessCheck> {
  return Object.fromEntries(dependencies.map((dependency) => [dependency.name, dependency.check])) as Record<N, ReadinessCheck>;
}
