// The follow graph and timeline store in memory, for unit tests; test/contract keeps them
// honest against Cassandra.
import { AUTHOR_TWEETS_DEPTH, byIdDesc, isBefore, TIMELINE_DEPTH } from '../../src/domain/timeline.ts';
import type { FollowGraph, TimelineEntry, TimelineStore } from '../../src/use-cases/ports.ts';

export interface InMemoryTimelineStore extends TimelineStore, FollowGraph {
  /** Every entry of a reader's timeline, newest first, untrimmed view included (for assertions). */
  entriesOf(readerId: string): TimelineEntry[];
}

export function createInMemoryTimelineStore(): InMemoryTimelineStore {
  // Each pair's latest change by sequence, as Cassandra's write timestamps keep it.
  const edges = new Map<string, { followerId: string; followeeId: string; sequence: bigint; following: boolean }>();
  const timelines = new Map<string, Map<string, TimelineEntry>>();
  const authorTweets = new Map<string, Map<string, boolean>>();
  const deleted = new Set<string>();

  const timelineOf = (readerId: string) => timelines.get(readerId) ?? timelines.set(readerId, new Map()).get(readerId)!;
  const newest = (ids: Iterable<string>) => [...ids].sort(byIdDesc);
  const trim = (entries: Map<string, unknown>, depth: number) => {
    for (const id of newest(entries.keys()).slice(depth)) entries.delete(id);
  };
  const followers = (authorId: string) =>
    [...edges.values()]
      .filter((edge) => edge.followeeId === authorId && edge.following)
      .map((edge) => edge.followerId)
      .sort((a, b) => -byIdDesc(a, b));

  return {
    entriesOf: (readerId) => newest(timelineOf(readerId).keys()).map((id) => timelineOf(readerId).get(id)!),

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

    async addToTimelines(readerIds, entry) {
      for (const readerId of readerIds) timelineOf(readerId).set(entry.tweetId, { ...entry });
    },
    async addEntries(readerId, entries) {
      for (const entry of entries) timelineOf(readerId).set(entry.tweetId, { ...entry });
    },
    async removeFromTimelines(readerIds, tweetId) {
      for (const readerId of readerIds) timelineOf(readerId).delete(tweetId);
    },
    async removeAuthor(readerId, authorId) {
      const timeline = timelineOf(readerId);
      for (const [id, entry] of timeline) if (entry.authorId === authorId) timeline.delete(id);
    },
    async readTimeline(readerId) {
      return newest(timelineOf(readerId).keys()).slice(0, TIMELINE_DEPTH);
    },
    async trimTimelines(readerIds) {
      for (const readerId of readerIds) trim(timelineOf(readerId), TIMELINE_DEPTH);
    },

    async addAuthorTweet(entry, fannedOut) {
      const tweets = authorTweets.get(entry.authorId) ?? authorTweets.set(entry.authorId, new Map()).get(entry.authorId)!;
      tweets.set(entry.tweetId, fannedOut || (tweets.get(entry.tweetId) ?? false));
    },
    async authorTweetFannedOut(entry) {
      return authorTweets.get(entry.authorId)?.get(entry.tweetId);
    },
    async removeAuthorTweet(entry) {
      authorTweets.get(entry.authorId)?.delete(entry.tweetId);
    },
    async authorTweets(authorId, before, limit) {
      return newest(authorTweets.get(authorId)?.keys() ?? [])
        .filter((id) => isBefore(id, before))
        .slice(0, limit);
    },
    async trimAuthorTweets(authorId) {
      const tweets = authorTweets.get(authorId);
      if (tweets) trim(tweets, AUTHOR_TWEETS_DEPTH);
    },
    async markDeleted(tweetId) {
      deleted.add(tweetId);
    },
    async isDeleted(tweetId) {
      return deleted.has(tweetId);
    },
  };
}
