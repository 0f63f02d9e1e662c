import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { MAX_WORKER_ID } from '@chirp/kernel/ids';
import type { MigrationSource } from './pg-migrations.ts';

/** The lease table, applied by every service that leases worker ids, before its own migrations. */
export const WORKER_LEASE_MIGRATIONS: MigrationSource = {
  name: 'worker-leases',
  dir: new URL('../migrations/worker-leases/', import.meta.url).pathname,
};

export interface WorkerIdLease {
  workerId: number;
  /** Stops renewing and frees the id for the next replica. */
  release(): Promise<void>;
}

export interface LeaseOptions {
  log: Logger;
  ttlSeconds?: number;
  /** The lease could not be kept: ids this process issued from now on could collide. Default: exit, so the orchestrator restarts it. */
  onLost?: (reason: string) => void;
}

// A free id at random (so replicas starting together rarely pick the same one), or a lapsed one
// taken over. A racing claim of the same id finds the row no longer lapsed and gets nothing.
const CLAIM = `
INSERT INTO worker_id_leases (worker_id, holder, expires_at)
SELECT candidate, $1, now() + make_interval(secs => $2)
FROM generate_series(0, $3::integer) AS candidate
WHERE NOT EXISTS (SELECT 1 FROM worker_id_leases l WHERE l.worker_id = candidate AND l.expires_at > now())
ORDER BY random()
LIMIT 1
ON CONFLICT (worker_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
WHERE worker_id_leases.expires_at <= now()
RETURNING worker_id`;

/**
 * Leases a Snowflake worker id from Postgres for as long as this process runs: Kubernetes
 * replicas of one Deployment have no ordinal to derive one from. The lease is renewed every
 * third of its TTL; if a renewal finds it taken or it lapses while Postgres is unreachable,
 * the process stops issuing ids by exiting (`onLost`).
 */
export async function leaseWorkerId(pool: Pool, options: LeaseOptions): Promise<WorkerIdLease> {
  const ttlSeconds = options.ttlSeconds ?? 60;
  const holder = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const log = options.log.child({ component: 'worker-id-lease' });
  const onLost =
    options.onLost ??
    ((reason: string) => {
      log.fatal({ reason }, 'lost the worker id lease; exiting so no duplicate ids are issued');
      process.exit(1);
    });

  let workerId: number | undefined;
  for (let attempt = 0; attempt < 10 && workerId === undefined; attempt += 1) {
    const { rows } = await pool.query<{ worker_id: number }>(CLAIM, [holder, ttlSeconds, MAX_WORKER_ID]);
    workerId = rows[0]?.worker_id;
  }
  if (workerId === undefined) throw new Error(`no free worker id in 0..${MAX_WORKER_ID} after 10 tries; check worker_id_leases for stale holders`);
  const id = workerId;
  /** Set once the lease is lost or released: a renewal still in flight then reports nothing. */
  let ended = false;
  let renewing = false;
  const lose = (reason: string) => {
    if (ended) return;
    ended = true;
    // Only renewals call this, so the timer exists by then.
    clearInterval(timer);
    onLost(reason);
  };
  let confirmedUntil = Date.now() + ttlSeconds * 1000;
  log.info({ workerId: id, holder, ttlSeconds }, 'leased a worker id');

  const renew = async () => {
    // One renewal at a time: a slow one must not overlap the next, and the two both report a loss.
    if (renewing || ended) return;
    renewing = true;
    try {
      const { rows } = await pool.query<{ expires_at: Date }>(
        `UPDATE worker_id_leases SET expires_at = now() + make_interval(secs => $3)
         WHERE worker_id = $1 AND holder = $2 AND expires_at > now() RETURNING expires_at`,
        [id, holder, ttlSeconds],
      );
      if (rows.length === 0) return lose(`worker id ${id} is no longer held by ${holder}`);
      confirmedUntil = Date.now() + ttlSeconds * 1000;
    } catch (error) {
      // Stop before the lease could lapse, leaving a third of the TTL for clock differences.
      if (Date.now() > confirmedUntil - (ttlSeconds * 1000) / 3) return lose(`could not renew worker id ${id} before it lapses: ${(error as Error).message}`);
      log.warn({ err: error, workerId: id }, 'renewing the worker id lease failed; retrying');
    } finally {
      renewing = false;
    }
  };
  const timer = setInterval(() => void renew(), (ttlSeconds * 1000) / 3);
  timer.unref();

  return {
    workerId: id,
    async release() {
      // A renewal in flight would find the row gone and report the lease lost, on a clean stop.
      ended = true;
      clearInterval(timer);
      await pool.query('DELETE FROM worker_id_leases WHERE worker_id = $1 AND holder = $2', [id, holder]);
    },
  };
}

/** This process's worker id: WORKER_ID when the operator pins one, else a lease (the normal case in Kubernetes). */
export async function workerIdFor(config: { WORKER_ID?: number | undefined }, pool: Pool, log: Logger): Promise<WorkerIdLease> {
  if (config.WORKER_ID !== undefined) return { workerId: config.WORKER_ID, release: async () => undefined };
  return leaseWorkerId(pool, { log });
}
