// Gauges of a service's store clients, read at scrape time: how full the Postgres pool is, whether
// Redis is connected, how many Cassandra hosts the driver holds and how many requests wait on them.
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { Gauge, type Registry } from 'prom-client';

export interface ObservedStores {
  postgres?: Pool;
  redis?: Redis;
  cassandra?: CassandraClient;
}

/**
 * `chirp_pg_pool_clients{state}` (total, idle, waiting: requests queued for a connection),
 * `chirp_redis_connected` (1 while the client is ready), `chirp_cassandra_connected_hosts` and
 * `chirp_cassandra_in_flight_requests`, for the stores given.
 */
export function registerStoreMetrics(registry: Registry, stores: ObservedStores): void {
  const { postgres, redis, cassandra } = stores;
  if (postgres) {
    new Gauge({
      name: 'chirp_pg_pool_clients',
      help: 'Postgres pool clients by state (total, idle, waiting: queries queued for a free connection; waiting above 0 for long means the pool is too small or Postgres too slow)',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        this.set({ state: 'total' }, postgres.totalCount);
        this.set({ state: 'idle' }, postgres.idleCount);
        this.set({ state: 'waiting' }, postgres.waitingCount);
      },
    });
  }
  if (redis) {
    new Gauge({
      name: 'chirp_redis_connected',
      help: 'Whether the Redis client is connected and ready (1) or not (0: commands fail fast; check REDIS_URL and the server)',
      registers: [registry],
      collect() {
        this.set(redis.status === 'ready' ? 1 : 0);
      },
    });
  }
  if (cassandra) {
    const hosts = () => cassandra.getState().getConnectedHosts();
    new Gauge({
      name: 'chirp_cassandra_connected_hosts',
      help: 'Cassandra hosts the driver holds open connections to (0: every query fails; check CASSANDRA_CONTACT_POINTS and the cluster)',
      registers: [registry],
      collect() {
        this.set(hosts().length);
      },
    });
    new Gauge({
      name: 'chirp_cassandra_in_flight_requests',
      help: 'Requests sent to Cassandra and not yet answered, over every connected host',
      registers: [registry],
      collect() {
        const state = cassandra.getState();
        this.set(hosts().reduce((sum, host) => sum + state.getInFlightQueries(host), 0));
      },
    });
  }
}
