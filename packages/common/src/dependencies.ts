import type { Client as CassandraClient } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { ReadinessCheck } from './http-service.ts';

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

export const postgresDependency = (pool: Pool): Dependency<'postgres'> => ({
  name: 'postgres',
  check: () => pool.query('SELECT 1'),
  watch: (log) => {
    pool.on('error', (err) => log.error({ err, dependency: 'postgres' }, 'idle postgres connection failed; check DATABASE_URL and the server'));
  },
  close: () => pool.end(),
});

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
