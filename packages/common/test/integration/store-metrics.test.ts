// The store gauges against the real Postgres, Redis and Cassandra of the stack.
import { cassandraClient, createTestDatabase, createTestRedis } from '@chirp/testing/stack';
import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { registerStoreMetrics } from '../../src/store-metrics.ts';

const sample = async (registry: Registry, series: string) => {
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

it('when queries hold every pooled connection, then the pool gauge shows them busy and the next one waiting', async () => {
  const db = await createTestDatabase();
  const registry = new Registry();
  const pool = db.pool;
  registerStoreMetrics(registry, { postgres: pool });
  try {
    await pool.query('SELECT 1');
    expect(await sample(registry, 'chirp_pg_pool_clients{state="idle"}')).toBeGreaterThanOrEqual(1);

    const max = pool.options.max;
    const sleepers = Array.from({ length: max + 1 }, () => pool.query('SELECT pg_sleep(0.5)'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await sample(registry, 'chirp_pg_pool_clients{state="total"}')).toBe(max);
    expect(await sample(registry, 'chirp_pg_pool_clients{state="waiting"}')).toBe(1);
    await Promise.all(sleepers);
  } finally {
    await db.drop();
  }
});

it('when Redis connects and disconnects, then chirp_redis_connected follows', async () => {
  const { redis, cleanup } = createTestRedis();
  const registry = new Registry();
  registerStoreMetrics(registry, { redis });
  await redis.ping();
  expect(await sample(registry, 'chirp_redis_connected')).toBe(1);
  const ended = new Promise((resolve) => redis.once('end', resolve));
  await cleanup();
  await ended;
  expect(await sample(registry, 'chirp_redis_connected')).toBe(0);
});

it('when the Cassandra driver is connected, then its hosts are counted; a query in flight is counted until answered', async () => {
  const client = cassandraClient();
  const registry = new Registry();
  registerStoreMetrics(registry, { cassandra: client });
  try {
    expect(await sample(registry, 'chirp_cassandra_connected_hosts')).toBe(0);
    await client.connect();
    expect(await sample(registry, 'chirp_cassandra_connected_hosts')).toBe(1);
    const query = client.execute('SELECT release_version FROM system.local');
    await new Promise((resolve) => setImmediate(resolve)); // the driver writes the request on the next turn
    expect(await sample(registry, 'chirp_cassandra_in_flight_requests')).toBe(1);
    await query;
    expect(await sample(registry, 'chirp_cassandra_in_flight_requests')).toBe(0);
  } finally {
    await client.shutdown();
  }
});
