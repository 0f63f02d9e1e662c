import cassandra, { type Client } from 'cassandra-driver';
import type { FollowGraph } from '../use-cases/ports.ts';
import { idOf, idsOf, prepared } from './cassandra-rows.ts';

/**
 * The follow graph in Cassandra's `following` and `followers`, one partition per user each
 * way. Follow changes carry the event's sequence as their write timestamp, so the later change
 * of a pair wins in whatever order they arrive; these two tables are written only that way.
 */
export function createCassandraFollowGraph(client: Client): FollowGraph {
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
      return { followerIds: idsOf(result.rows, 'follower_id'), next: next === null ? undefined : next };
    },
    async followersAmong(authorId, readerIds) {
      if (readerIds.length === 0) return new Set();
      // One partition, its clustering keys listed: a single read however many readers.
      const result = await client.execute('SELECT follower_id FROM followers WHERE followee_id = ? AND follower_id IN ?', [authorId, readerIds], {
        ...prepared,
        fetchSize: readerIds.length + 1,
      });
      return new Set(idsOf(result.rows, 'follower_id'));
    },
    async followeesAmong(readerId, candidateIds) {
      if (candidateIds.length === 0) return new Set();
      const result = await client.execute('SELECT followee_id FROM following WHERE follower_id = ? AND followee_id IN ?', [readerId, candidateIds], {
        ...prepared,
        fetchSize: candidateIds.length + 1,
      });
      return new Set(idsOf(result.rows, 'followee_id'));
    },
    async following(readerId) {
      const followees: string[] = [];
      const result = await client.execute('SELECT followee_id FROM following WHERE follower_id = ?', [readerId], { ...prepared, fetchSize: 5000 });
      for await (const row of result) followees.push(idOf(row.get('followee_id') as cassandra.types.Long));
      return followees;
    },
  };
}
