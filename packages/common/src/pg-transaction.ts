import type { Pool, PoolClient } from 'pg';

// Serialization failure and deadlock: the transaction did nothing and may simply run again.
const RETRYABLE = new Set(['40001', '40P01']);

/** Postgres SQLSTATE of a driver error, if it carries one. */
export const sqlStateOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

/**
 * Runs `work` in one transaction on one pooled connection: commit when it resolves,
 * roll back when it throws. A deadlock or serialization failure reruns the whole
 * transaction (up to `attempts` times), so `work` must not have effects outside it.
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, options: { attempts?: number } = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt += 1) {
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
      if (attempt >= attempts || !RETRYABLE.has(sqlStateOf(error) ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    } finally {
      client.release(broken);
    }
  }
}
