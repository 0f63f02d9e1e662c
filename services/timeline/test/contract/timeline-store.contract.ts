// One suite for the timeline store and follow graph: the in-memory fake (unit) and Cassandra
// (integration) must behave alike.
import { beforeEach, describe, expect, it } from 'vitest';
import { TIMELINE_DEPTH } from '../../src/domain/timeline.ts';
import type { FollowGraph, TimelineStore } from '../../src/use-cases/ports.ts';

let serial = 0n;
/** Snowflake-sized ids, rising, unique across the suite. */
const nextId = () => String(380_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 10_000n + (serial += 1n));

export function timelineStoreContract(name: string, makeStore: () => Promise<TimelineStore & FollowGraph>): void {
  describe(`TimelineStore contract: ${name}`, () => {
    let store: TimelineStore & FollowGraph;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('when follow changes arrive out of order, then the one with the highest sequence stands, both ways', async () => {
      const [a, b, c] = [nextId(), nextId(), nextId()];
      await store.saveFollow({ followerId: a, followeeId: b, sequence: '20', following: false });
      await store.saveFollow({ followerId: a, followeeId: b, sequence: '10', following: true });
      await store.saveFollow({ followerId: c, followeeId: b, sequence: '10', following: true });
      expect(await store.isFollowing(a, b)).toBe(false);
      expect(await store.following(a)).toEqual([]);
      expect(await store.followeesAmong(a, [b, c])).toEqual(new Set());
      await store.saveFollow({ followerId: a, followeeId: b, sequence: '30', following: true });
      await store.saveFollow({ followerId: a, followeeId: b, sequence: '30', following: true });
      expect(await store.isFollowing(a, b)).toBe(true);
      expect(await store.following(a)).toEqual([b]);
      expect(await store.followeesAmong(a, [b, c])).toEqual(new Set([b]));
      expect(await store.followeesAmong(a, [])).toEqual(new Set());
      expect((await store.followersPage(b, undefined, 10)).followerIds.sort()).toEqual([a, c].sort());
    });

    it('when an author has more followers than a page, then paging gives each exactly once', async () => {
      const author = nextId();
      const followers = Array.from({ length: 7 }, () => nextId());
      for (const [i, follower] of followers.entries()) await store.saveFollow({ followerId: follower, followeeId: author, sequence: String(i + 1), following: true });
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await store.followersPage(author, after, 3);
        seen.push(...page.followerIds);
        after = page.next;
        pages += 1;
      } while (after !== undefined && pages < 10);
      expect(seen.sort()).toEqual([...followers].sort());
    });

    it('when entries are written, removed and read, then newest first, each once', async () => {
      const [reader, author, other] = [nextId(), nextId(), nextId()];
      const tweets = Array.from({ length: 5 }, () => nextId());
      for (const tweetId of tweets) await store.addToTimelines([reader], { tweetId, authorId: tweetId === tweets[2] ? other : author });
      await store.addToTimelines([reader], { tweetId: tweets[0]!, authorId: author });
      expect(await store.readTimeline(reader)).toEqual([...tweets].reverse());
      await store.removeFromTimelines([reader], tweets[4]!);
      await store.removeAuthor(reader, author);
      expect(await store.readTimeline(reader)).toEqual([tweets[2]]);
      await store.addEntries(reader, [{ tweetId: tweets[1]!, authorId: author }]);
      expect(await store.readTimeline(reader)).toEqual([tweets[2], tweets[1]]);
    });

    it('when a timeline passes the depth, then reads never go deeper and a trim keeps the newest entries', async () => {
      const reader = nextId();
      const tweets = Array.from({ length: TIMELINE_DEPTH + 5 }, () => nextId());
      await store.addEntries(reader, tweets.map((tweetId) => ({ tweetId, authorId: '1' })));
      const newest = [...tweets].reverse().slice(0, TIMELINE_DEPTH);
      expect(await store.readTimeline(reader)).toEqual(newest);
      await store.trimTimelines([reader]);
      expect(await store.readTimeline(reader)).toEqual(newest);
      await store.addEntries(reader, [{ tweetId: tweets[0]!, authorId: '1' }]);
      await store.trimTimelines([reader]);
      expect(await store.readTimeline(reader)).toEqual(newest);
    });

    it('when an author’s tweets are recorded and removed, then they list newest first, and the fanned-out flag only ever goes up', async () => {
      const author = nextId();
      const [a, b, c] = [nextId(), nextId(), nextId()].map((tweetId) => ({ tweetId, authorId: author }));
      await store.addAuthorTweet(a!, true);
      await store.addAuthorTweet(b!, false);
      await store.addAuthorTweet(c!, true);
      await store.addAuthorTweet(a!, false);
      expect(await store.authorTweets(author, undefined, 2)).toEqual([c!.tweetId, b!.tweetId]);
      expect(await store.authorTweets(author, c!.tweetId, 5)).toEqual([b!.tweetId, a!.tweetId]);
      expect([await store.authorTweetFannedOut(a!), await store.authorTweetFannedOut(b!)]).toEqual([true, false]);
      await store.removeAuthorTweet(a!);
      await store.removeAuthorTweet(b!);
      expect(await store.authorTweetFannedOut(a!)).toBeUndefined();
      expect(await store.authorTweets(author, undefined, 5)).toEqual([c!.tweetId]);
    });

    it('when asked which readers still follow, then only current followers come back', async () => {
      const [author, stays, left, never] = [nextId(), nextId(), nextId(), nextId()];
      await store.saveFollow({ followerId: stays, followeeId: author, sequence: '1', following: true });
      await store.saveFollow({ followerId: left, followeeId: author, sequence: '2', following: true });
      await store.saveFollow({ followerId: left, followeeId: author, sequence: '3', following: false });
      expect(await store.followersAmong(author, [stays, left, never])).toEqual(new Set([stays]));
      expect(await store.followersAmong(author, [])).toEqual(new Set());
    });

    it('when a follow and an unfollow carry the same sequence, then the unfollow wins', async () => {
      const [a, b] = [nextId(), nextId()];
      await store.saveFollow({ followerId: a, followeeId: b, sequence: '5', following: false });
      await store.saveFollow({ followerId: a, followeeId: b, sequence: '5', following: true });
      expect(await store.isFollowing(a, b)).toBe(false);
    });

    it('when a tweet is marked deleted, then it stays so; others are not', async () => {
      const [gone, kept] = [nextId(), nextId()];
      await store.markDeleted(gone);
      await store.markDeleted(gone);
      expect([await store.isDeleted(gone), await store.isDeleted(kept)]).toEqual([true, false]);
    });
  });
}
