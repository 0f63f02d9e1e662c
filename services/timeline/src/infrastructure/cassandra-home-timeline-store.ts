import type cassandra from 'cassandra-driver';
import { type Client } from 'cassandra-driver';
import { MAX_HOME_ITEMS } from '../domain/timeline.ts';
import type { HomeTimelineStore } from '../use-cases/ports.ts';
import { CONCURRENCY, executeConcurrent, idOf, idsOf, prepared, trimPartition } from './cassandra-rows.ts';

const INSERT = 'INSERT INTO home_timeline (reader_id, tweet_id, author_id) VALUES (?, ?, ?)';
/** Rows of one partition per unlogged batch: 100 rows of three bigints stay under Cassandra's 5 KiB batch warning. */
const PARTITION_BATCH = 100;

/** Home timelines in Cassandra's `home_timeline`, one partition per reader, newest first. */
export function createCassandraHomeTimelineStore(client: Client, options: { writeBatch?: number } = {}): HomeTimelineStore {
  const writeBatch = options.writeBatch ?? 1;
  /**
   * One statement per row, `writeBatch` rows to an unlogged batch. Batching rows of many
   * partitions trades client round trips for coordinator work: on one node it writes ~4x
   * faster (see the README's figures); on a large cluster keep it small and add consumers.
   * `rowsPerBatch` overrides it for rows of one partition (a backfill).
   */
  const writeRows = async (query: string, rows: unknown[][], rowsPerBatch = writeBatch) => {
    if (rowsPerBatch <= 1) {
      await executeConcurrent(client, query, rows, { concurrencyLevel: CONCURRENCY });
      return;
    }
    const batches: unknown[][][] = [];
    for (let i = 0; i < rows.length; i += rowsPerBatch) batches.push(rows.slice(i, i + rowsPerBatch));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        await client.batch(batch.map((params) => ({ query, params })), { prepare: true, logged: false });
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY / 8, batches.length) }, worker));
  };

  return {
    async push(readerIds, entry) {
      await writeRows(
        INSERT,
        readerIds.map((readerId) => [readerId, entry.tweetId, entry.authorId]),
      );
    },
    async pushMany(readerId, entries) {
      // One partition: an unlogged batch of its rows is one mutation on its replicas, not one
      // request per row (a follow's backfill of 200 tweets was 200 round trips).
      await writeRows(
        INSERT,
        entries.map((entry) => [readerId, entry.tweetId, entry.authorId]),
        PARTITION_BATCH,
      );
    },
    async unpush(readerIds, tweetId) {
      await writeRows(
        'DELETE FROM home_timeline WHERE reader_id = ? AND tweet_id = ?',
        readerIds.map((readerId) => [readerId, tweetId]),
      );
    },
    async unpushAuthor(readerId, authorId) {
      // The partition is bounded (the depth plus at most a trim interval), so reading it whole is cheap.
      const result = await client.execute('SELECT tweet_id, author_id FROM home_timeline WHERE reader_id = ?', [readerId], { ...prepared, fetchSize: 5000 });
      const doomed: cassandra.types.Long[] = [];
      for await (const row of result) {
        if (idOf(row.get('author_id') as cassandra.types.Long) === authorId) doomed.push(row.get('tweet_id') as cassandra.types.Long);
      }
      if (doomed.length > 0) await client.execute('DELETE FROM home_timeline WHERE reader_id = ? AND tweet_id IN ?', [readerId, doomed], prepared);
      return doomed.map(idOf);
    },
    async read(readerId) {
      // The newest MAX_HOME_ITEMS only, so entries past the depth (awaiting a trim) never show.
      const result = await client.execute('SELECT tweet_id FROM home_timeline WHERE reader_id = ? LIMIT ?', [readerId, MAX_HOME_ITEMS], {
        ...prepared,
        fetchSize: MAX_HOME_ITEMS,
      });
      return idsOf(result.rows, 'tweet_id');
    },
    async trimBelow(cuts) {
      // One range deletion per reader, no read: the cached copy already knows where its depth ends.
      await executeConcurrent(
        client,
        'DELETE FROM home_timeline WHERE reader_id = ? AND tweet_id < ?',
        cuts.map((cut) => [cut.readerId, cut.oldestKept]),
        { concurrencyLevel: CONCURRENCY },
      );
    },
    async trim(readerIds) {
      for (let i = 0; i < readerIds.length; i += CONCURRENCY) {
        await Promise.all(readerIds.slice(i, i + CONCURRENCY).map((readerId) => trimPartition(client, 'home_timeline', 'reader_id', readerId, MAX_HOME_ITEMS)));
      }
    },
  };
}
