import cassandra, { type Client } from 'cassandra-driver';
import { AUTHOR_TWEETS_DEPTH, TIMELINE_DEPTH } from '../domain/timeline.ts';
import type { FollowGraph, HighFollowerAuthors, TimelineStore } from '../use-cases/ports.ts';

const { executeConcurrent } = cassandra.concurrent;
const prepared = { prepare: true } as const;
/** Writes in flight at once per fan-out call: enough to keep a node busy, few enough not to flood it. */
const CONCURRENCY = 128;

/**
 * The follow graph, home timelines, authors' recent tweets and deletion markers in Cassandra.
 * Every write is idempotent. Follow changes carry the event's sequence as their write
 * timestamp, so the later change of a pair wins in whatever order they arrive; those two
 * tables are written only that way.
 */
export function createCassandraTimelineStore(client: Client, options: { writeBatch?: number } = {}): TimelineStore & FollowGraph {
  const writeBatch = options.writeBatch ?? 1;
  /**
   * One statement per row, `writeBatch` rows to an unlogged batch. Batching rows of many
   * partitions trades client round trips for coordinator work: on one node it writes ~4x
   * faster (see the README's figures); on a large cluster keep it small and add consumers.
   */
  const writeRows = async (query: string, rows: unknown[][]) => {
    if (writeBatch <= 1) {
      await executeConcurrent(client, query, rows, { concurrencyLevel: CONCURRENCY });
      return;
    }
    const batches: unknown[][][] = [];
    for (let i = 0; i < rows.length; i += writeBatch) batches.push(rows.slice(i, i + writeBatch));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        await client.batch(batch.map((params) => ({ query, params })), { prepare: true, logged: false });
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY / 8, batches.length) }, worker));
  };
  const ids = (rows: cassandra.types.Row[], column: string) => rows.map((row) => (row.get(column) as cassandra.types.Long).toString());

  /**
   * Keeps the newest `depth` rows of a partition: one range deletion below the last kept row.
   * Counting first: Cassandra still walks the partition, but ships one number instead of
   * hundreds of ids for the driver to decode, and most trims stop there (the partition is
   * within its depth). Only a partition past it has its boundary read and the rest deleted.
   */
  const trim = async (table: string, key: string, id: string, depth: number) => {
    const counted = await client.execute(`SELECT COUNT(*) AS row_count FROM ${table} WHERE ${key} = ?`, [id], prepared);
    if ((counted.first().get('row_count') as cassandra.types.Long).toNumber() <= depth) return;
    const result = await client.execute(`SELECT tweet_id FROM ${table} WHERE ${key} = ? LIMIT ?`, [id, depth + 1], prepared);
    if (result.rows.length <= depth) return;
    const boundary = result.rows[depth]!.get('tweet_id') as cassandra.types.Long;
    await client.execute(`DELETE FROM ${table} WHERE ${key} = ? AND tweet_id <= ?`, [id, boundary], prepared);
  };

  return {
    async saveFollow({ followerId, followeeId, sequence, following }) {
      const timestamp = cassandra.types.Long.fromString(sequence);
      const statements = following
        ? [
            { query: 'INSERT INTO following (follower_id, followee_id) VALUES (?, ?) USING TIMESTAMP ?', params: [followerId, followeeId, timestamp] },
            { query: 'INSERT INTO followers (followee_id, follower_id) VALUES (?, ?) USING TIMESTAMP ?', params: [followeeId, followerId, timestamp] },
          ]
        : [
            { query: 'DELETE FROM following USING TIMESTAMP ? WHERE follower_id = ? AND followee_id = ?', params: [timestamp, followerId, followeeId] },
            { query: 'DELETE FROM followers USING TIMESTAMP ? WHERE followee_id = ? AND follower_id = ?', params: [timestamp, followeeId, followerId] },
          ];
      await Promise.all(statements.map((statement) => client.execute(statement.query, statement.params, prepared)));
    },
    async isFollowing(followerId, followeeId) {
      const result = await client.execute('SELECT followee_id FROM following WHERE follower_id = ? AND followee_id = ?', [followerId, followeeId], prepared);
      return result.rows.length > 0;
    },
    async followersPage(authorId, after, pageSize) {
      const result = await client.execute('SELECT follower_id FROM followers WHERE followee_id = ?', [authorId], {
        ...prepared,
        fetchSize: pageSize,
        ...(after === undefined ? {} : { pageState: after }),
      });
      const next = result.pageState ?? undefined;
      return { followerIds: ids(result.rows, 'follower_id'), next: next === null ? undefined : next };
    },
    async followersAmong(authorId, readerIds) {
      if (readerIds.length === 0) return new Set();
      // One partition, its clustering keys listed: a single read however many readers.
      const result = await client.execute('SELECT follower_id FROM followers WHERE followee_id = ? AND follower_id IN ?', [authorId, readerIds], {
        ...prepared,
        fetchSize: readerIds.length + 1,
      });
      return new Set(ids(result.rows, 'follower_id'));
    },
    async followeesAmong(readerId, candidateIds) {
      if (candidateIds.length === 0) return new Set();
      const result = await client.execute('SELECT followee_id FROM following WHERE follower_id = ? AND followee_id IN ?', [readerId, candidateIds], {
        ...prepared,
        fetchSize: candidateIds.length + 1,
      });
      return new Set(ids(result.rows, 'followee_id'));
    },
    async following(readerId) {
      const followees: string[] = [];
      const result = await client.execute('SELECT followee_id FROM following WHERE follower_id = ?', [readerId], { ...prepared, fetchSize: 5000 });
      for await (const row of result) followees.push((row.get('followee_id') as cassandra.types.Long).toString());
      return followees;
    },

    async addToTimelines(readerIds, entry) {
      await writeRows(
        'INSERT INTO home_timeline (reader_id, tweet_id, author_id) VALUES (?, ?, ?)',
        readerIds.map((readerId) => [readerId, entry.tweetId, entry.authorId]),
      );
    },
    async addEntries(readerId, entries) {
      await executeConcurrent(
        client,
        'INSERT INTO home_timeline (reader_id, tweet_id, author_id) VALUES (?, ?, ?)',
        entries.map((entry) => [readerId, entry.tweetId, entry.authorId]),
        { concurrencyLevel: CONCURRENCY },
      );
    },
    async removeFromTimelines(readerIds, tweetId) {
      await writeRows(
        'DELETE FROM home_timeline WHERE reader_id = ? AND tweet_id = ?',
        readerIds.map((readerId) => [readerId, tweetId]),
      );
    },
    async removeAuthor(readerId, authorId) {
      // The partition is bounded (the depth plus at most a trim interval), so reading it whole is cheap.
      const result = await client.execute('SELECT tweet_id, author_id FROM home_timeline WHERE reader_id = ?', [readerId], { ...prepared, fetchSize: 5000 });
      const doomed: cassandra.types.Long[] = [];
      for await (const row of result) {
        if ((row.get('author_id') as cassandra.types.Long).toString() === authorId) doomed.push(row.get('tweet_id') as cassandra.types.Long);
      }
      if (doomed.length > 0) await client.execute('DELETE FROM home_timeline WHERE reader_id = ? AND tweet_id IN ?', [readerId, doomed], prepared);
    },
    async readTimeline(readerId) {
      // The newest TIMELINE_DEPTH only, so entries past the depth (awaiting a trim) never show.
      const result = await client.execute('SELECT tweet_id FROM home_timeline WHERE reader_id = ? LIMIT ?', [readerId, TIMELINE_DEPTH], {
        ...prepared,
        fetchSize: TIMELINE_DEPTH,
      });
      return ids(result.rows, 'tweet_id');
    },
    async trimTimelines(readerIds) {
      for (let i = 0; i < readerIds.length; i += CONCURRENCY) {
        await Promise.all(readerIds.slice(i, i + CONCURRENCY).map((readerId) => trim('home_timeline', 'reader_id', readerId, TIMELINE_DEPTH)));
      }
    },

    async addAuthorTweet(entry, fannedOut) {
      // Without fan-out the flag is not written at all, so a repeat can never clear a true.
      await (fannedOut
        ? client.execute('INSERT INTO author_tweets (author_id, tweet_id, fanned_out) VALUES (?, ?, true)', [entry.authorId, entry.tweetId], prepared)
        : client.execute('INSERT INTO author_tweets (author_id, tweet_id) VALUES (?, ?)', [entry.authorId, entry.tweetId], prepared));
    },
    async authorTweetFannedOut(entry) {
      const result = await client.execute('SELECT fanned_out FROM author_tweets WHERE author_id = ? AND tweet_id = ?', [entry.authorId, entry.tweetId], prepared);
      const row = result.rows[0];
      return row === undefined ? undefined : row.get('fanned_out') === true;
    },
    async removeAuthorTweet(entry) {
      await client.execute('DELETE FROM author_tweets WHERE author_id = ? AND tweet_id = ?', [entry.authorId, entry.tweetId], prepared);
    },
    async authorTweets(authorId, before, limit) {
      const result =
        before === undefined
          ? await client.execute('SELECT tweet_id FROM author_tweets WHERE author_id = ? LIMIT ?', [authorId, limit], prepared)
          : await client.execute('SELECT tweet_id FROM author_tweets WHERE author_id = ? AND tweet_id < ? LIMIT ?', [authorId, before, limit], prepared);
      return ids(result.rows, 'tweet_id');
    },
    trimAuthorTweets: (authorId) => trim('author_tweets', 'author_id', authorId, AUTHOR_TWEETS_DEPTH),

    async markDeleted(tweetId) {
      await client.execute('INSERT INTO deleted_tweets (tweet_id) VALUES (?)', [tweetId], prepared);
    },
    async isDeleted(tweetId) {
      return (await client.execute('SELECT tweet_id FROM deleted_tweets WHERE tweet_id = ?', [tweetId], prepared)).rows.length > 0;
    },
  };
}

/**
 * The high-follower authors, from one small partition, held in memory and re-read every
 * `refreshMs` (so every process sees an author marked by another within that time).
 */
export function createHighFollowerAuthors(client: Client, options: { refreshMs: number }): HighFollowerAuthors {
  let known = new Set<string>();
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | undefined;
  const current = async () => {
    if (performance.now() - loadedAt > options.refreshMs) {
      loading ??= client
        .execute('SELECT author_id FROM high_follower_authors WHERE shard = 0', [], { ...prepared, fetchSize: 10_000 })
        .then(async (result) => {
          const next = new Set<string>();
          for await (const row of result) next.add((row.get('author_id') as cassandra.types.Long).toString());
          known = next;
          loadedAt = performance.now();
        })
        .finally(() => {
          loading = undefined;
        });
      await loading;
    }
    return known;
  };
  return {
    has: async (authorId) => (await current()).has(authorId),
    all: async () => [...(await current())],
    among: async (authorIds) => {
      const set = await current();
      return authorIds.filter((id) => set.has(id));
    },
    async add(authorId) {
      await client.execute('INSERT INTO high_follower_authors (shard, author_id) VALUES (0, ?)', [authorId], prepared);
      known.add(authorId);
    },
  };
}
