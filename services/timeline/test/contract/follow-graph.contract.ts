// One suite for the follow graph: the in-memory fake (unit) and Cassandra (integration) must behave alike.
import { beforeEach, describe, expect, it } from 'vitest';
import type { FollowGraph } from '../../src/use-cases/ports.ts';
import { nextId } from './snowflake-ids.ts';

export function followGraphContract(name: string, make: () => Promise<FollowGraph>): void {
  describe(`FollowGraph contract: ${name}`, () => {
    let graph: FollowGraph;
    beforeEach(async () => {
      graph = await make();
    });

    it('when follow changes arrive out of order, then the one with the highest sequence stands, both ways', async () => {
      const [a, b, c] = [nextId(), nextId(), nextId()];
      await graph.saveFollow({ followerId: a, followeeId: b, sequence: '20', following: false });
      await graph.saveFollow({ followerId: a, followeeId: b, sequence: '10', following: true });
      await graph.saveFollow({ followerId: c, followeeId: b, sequence: '10', following: true });
      expect(await graph.isFollowing(a, b)).toBe(false);
      expect(await graph.following(a)).toEqual([]);
      expect(await graph.followeesAmong(a, [b, c])).toEqual(new Set());
      await graph.saveFollow({ followerId: a, followeeId: b, sequence: '30', following: true });
      await graph.saveFollow({ followerId: a, followeeId: b, sequence: '30', following: true });
      expect(await graph.isFollowing(a, b)).toBe(true);
      expect(await graph.following(a)).toEqual([b]);
      expect(await graph.followeesAmong(a, [b, c])).toEqual(new Set([b]));
      expect(await graph.followeesAmong(a, [])).toEqual(new Set());
      expect((await graph.followersPage(b, undefined, 10)).followerIds.sort()).toEqual([a, c].sort());
    });
    it('when an author has more followers than a page, then paging gives each exactly once', async () => {
      const author = nextId();
      const followers = Array.from({ length: 7 }, () => nextId());
      for (const [i, follower] of followers.entries()) await graph.saveFollow({ followerId: follower, followeeId: author, sequence: String(i + 1), following: true });
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await graph.followersPage(author, after, 3);
        seen.push(...page.followerIds);
        after = page.next;
        pages += 1;
      } while (after !== undefined && pages < 10);
      expect(seen.sort()).toEqual([...followers].sort());
    });

    it('when asked which readers still follow, then only current followers come back', async () => {
      const [author, stays, left, never] = [nextId(), nextId(), nextId(), nextId()];
      await graph.saveFollow({ followerId: stays, followeeId: author, sequence: '1', following: true });
      await graph.saveFollow({ followerId: left, followeeId: author, sequence: '2', following: true });
      await graph.saveFollow({ followerId: left, followeeId: author, sequence: '3', following: false });
      expect(await graph.followersAmong(author, [stays, left, never])).toEqual(new Set([stays]));
      expect(await graph.followersAmong(author, [])).toEqual(new Set());
    });

    it('when a follow and an unfollow carry the same sequence, then the unfollow wins', async () => {
      const [a, b] = [nextId(), nextId()];
      await graph.saveFollow({ followerId: a, followeeId: b, sequence: '5', following: false });
      await graph.saveFollow({ followerId: a, followeeId: b, sequence: '5', following: true });
      expect(await graph.isFollowing(a, b)).toBe(false);
    });
  });
}
