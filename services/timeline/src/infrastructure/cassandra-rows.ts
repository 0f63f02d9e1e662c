// What the timeline's Cassandra adapters share: prepared statements, id columns, partition trims
// and concurrent writes.
import cassandra, { type Client } from 'cassandra-driver';

export const { executeConcurrent } = cassandra.concurrent;
export const prepared = { prepare: true } as const;
/** Writes in flight at once per fan-out call: enough to keep a node busy, few enough not to flood it. */
export const CONCURRENCY = 128;

/**
 * A bigint as the decimal string ids travel as. The driver's `Long.toString` divides by powers of
 * ten in 32-bit halves; the engine's BigInt does it about five times faster, which matters where a
 * read decodes hundreds (a home timeline rebuilt from its 800 rows).
 */
export const idOf = (value: cassandra.types.Long): string => ((BigInt(value.high) << 32n) + BigInt(value.low >>> 0)).toString();

/** A bigint id column of every row, as strings. */
export const idsOf = (rows: cassandra.types.Row[], column: string): string[] => rows.map((row) => idOf(row.get(column) as cassandra.types.Long));

/**
 * Keeps the newest `depth` rows of a partition: one range deletion below the last kept row.
 * Counting first: Cassandra still walks the partition, but ships one number instead of
 * hundreds of ids for the driver to decode, and most trims stop there (the partition is
 * within its depth). Only a partition past it has its boundary read and the rest deleted.
 */
export async function trimPartition(client: Client, table: string, key: string, id: string, depth: number): Promise<void> {
  const counted = await client.execute(`SELECT COUNT(*) AS row_count FROM ${table} WHERE ${key} = ?`, [id], prepared);
  if ((counted.first().get('row_count') as cassandra.types.Long).toNumber() <= depth) return;
  const result = await client.execute(`SELECT tweet_id FROM ${table} WHERE ${key} = ? LIMIT ?`, [id, depth + 1], prepared);
  if (result.rows.length <= depth) return;
  const boundary = result.rows[depth]!.get('tweet_id') as cassandra.types.Long;
  await client.execute(`DELETE FROM ${table} WHERE ${key} = ? AND tweet_id <= ?`, [id, boundary], prepared);
}
