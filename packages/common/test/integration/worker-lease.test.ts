import { createLogger } from '@chirp/common/logging';
import { createTestDatabase, type TestDatabase } from '@chirp/testing/stack';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { leaseWorkerId, WORKER_LEASE_MIGRATIONS, workerIdFor } from '../../src/worker-lease.ts';

let db: TestDatabase;
const log = createLogger('test', 'silent');

beforeAll(async () => {
  db = await createTestDatabase({ migrations: [WORKER_LEASE_MIGRATIONS] });
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE worker_id_leases');
});
afterAll(async () => {
  await db.drop();
});

describe('worker id leases in Postgres', () => {
  it('when 40 replicas start at once, then each holds a different worker id', async () => {
    const leases = await Promise.all(Array.from({ length: 40 }, () => leaseWorkerId(db.pool, { log })));
    expect(new Set(leases.map((lease) => lease.workerId)).size).toBe(40);
    await Promise.all(leases.map((lease) => lease.release()));
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM worker_id_leases');
    expect(rows[0].n).toBe(0);
  });

  it('when a lease lapses, then another replica may take its id, and the first stops when it notices', async () => {
    const lost: string[] = [];
    const first = await leaseWorkerId(db.pool, { log, ttlSeconds: 0.3, onLost: (reason) => lost.push(reason) });
    // The holder is stalled (its renewals do not reach Postgres in time): the lease lapses.
    await db.pool.query("UPDATE worker_id_leases SET expires_at = now() - interval '1 second' WHERE worker_id = $1", [first.workerId]);
    await db.pool.query(
      `INSERT INTO worker_id_leases (worker_id, holder, expires_at) SELECT g, 'filler', now() + interval '1 hour' FROM generate_series(0, 1023) g
       WHERE g <> $1 ON CONFLICT DO NOTHING`,
      [first.workerId],
    );
    const second = await leaseWorkerId(db.pool, { log, onLost: (reason) => lost.push(reason) });
    expect(second.workerId).toBe(first.workerId);
    // The next renewal (every 100 ms) notices; waited for, as a loaded machine may be late.
    await vi.waitFor(() => expect(lost.length).toBeGreaterThan(0), { timeout: 5000, interval: 20 });
    await new Promise((resolve) => setTimeout(resolve, 300)); // later renewals report nothing more
    expect(lost).toEqual([expect.stringContaining(`worker id ${first.workerId} is no longer held`)]);
    await first.release();
    await second.release();
  });

  it('when every id is held, then start-up fails saying so', async () => {
    await db.pool.query(`INSERT INTO worker_id_leases (worker_id, holder, expires_at) SELECT g, 'filler', now() + interval '1 hour' FROM generate_series(0, 1023) g`);
    await expect(leaseWorkerId(db.pool, { log })).rejects.toThrow(/no free worker id/);
  });

  it('when WORKER_ID is set, then it is used and nothing is leased', async () => {
    const pinned = await workerIdFor({ WORKER_ID: 7 }, db.pool, log);
    expect(pinned.workerId).toBe(7);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM worker_id_leases');
    expect(rows[0].n).toBe(0);
  });
});
