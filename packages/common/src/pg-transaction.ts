import type { Pool, PoolClient } from 'pg';

// Serialization failure and deadlock: the transaction did nothing and may simply run again.
const RETRYABLE = new Set(['40001', '40P01']);

/** Postgres SQLSTATE of a driver error, if it carries one. */
export const sqlStateOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

/**
 * Runs `work`, and again after a deadlock or serialization failure (up to `attempts` times in
 * all, a short random wait between): for a transaction, or for a statement that is its own. Such
 * a failure undid everything `work` wrote, so `work` must not have effects outside Postgres.
 */
export async function retryingConflicts<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !RETRYABLE.has(sqlStateOf(error) ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

/**
 * Runs `work` in one transaction on one pooled connection: commit when it resolves,
 * roll back when it throws. A deadlock or serialization failure reruns the whole
 * transaction (up to `attempts` times), so `work` must not have effects outside it.
 */
export function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, options: { attempts?: number } = {}): Promise<T> {
  return retryingConflicts(async () => {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot even roll back is destroyed rather than returned to the pool.
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }, options.attempts);
}
