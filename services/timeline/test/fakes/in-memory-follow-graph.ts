// The follow graph in memory, for unit tests; test/contract keeps it honest against Cassandra.
import { byIdDesc } from '../../src/domain/timeline.ts';
import type { FollowGraph } from '../../src/use-cases/ports.ts';

export function createInMemoryFollowGraph(): FollowGraph {
  // Each pair's latest change by sequence, as Cassandra's write timestamps keep it.
  const edges = new Map<string, { followerId: string; followeeId: string; sequence: bigint; following: boolean }>();
  const followers = (authorId: string) =>
    [...edges.values()]
      .filter((edge) => edge.followeeId === authorId && edge.following)
      .map((edge) => edge.followerId)
      .sort((a, b) => -byIdDesc(a, b));

  return {
    async saveFollow(change) {
      const key = `${change.followerId}>${change.followeeId}`;
      const current = edges.get(key);
      const sequence = BigInt(change.sequence);
      // Equal sequences: the unfollow wins, as a Cassandra tombstone does over a write of the same timestamp.
      if (current && (current.sequence > sequence || (current.sequence === sequence && (change.following || !current.following)))) return;
      edges.set(key, { followerId: change.followerId, followeeId: change.followeeId, sequence, following: change.following });
    },
    async isFollowing(followerId, followeeId) {
      return edges.get(`${followerId}>${followeeId}`)?.following ?? false;
    },
    async followersPage(authorId, after, pageSize) {
      const all = followers(authorId);
      const start = after === undefined ? 0 : Number(after);
      const followerIds = all.slice(start, start + pageSize);
      return { followerIds, next: start + pageSize < all.length ? String(start + pageSize) : undefined };
    },
    async followersAmong(authorId, readerIds) {
      const now = new Set(followers(authorId));
      return new Set(readerIds.filter((id) => now.has(id)));
    },
    async followeesAmong(readerId, candidateIds) {
      return new Set(candidateIds.filter((id) => edges.get(`${readerId}>${id}`)?.following));
    },
    async following(readerId) {
      return [...edges.values()].filter((edge) => edge.followerId === readerId && edge.following).map((edge) => edge.followeeId);
    },
  };
}
