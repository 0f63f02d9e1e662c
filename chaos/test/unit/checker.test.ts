import { describe, expect, it } from 'vitest';
import { type CheckInput, check, isClean, type Post } from '../../src/checker.ts';

// Two users who follow each other; alice posted twice, bob once.
const alice = '100';
const bob = '200';
const aPost = (key: string, authorId: string, id?: string): Post => ({ key, text: `text of ${key}`, authorId, ...(id ? { id } : {}) });

function aConsistentWorld(): CheckInput {
  const posts = [aPost('a1', alice, '1001'), aPost('a2', alice, '1002'), aPost('b1', bob, '2001')];
  const entry = (post: Post) => ({ id: post.id!, text: post.text });
  return {
    posts,
    followers: new Map([
      [alice, [bob]],
      [bob, [alice]],
    ]),
    homeCapacity: 800,
    observed: {
      tweetsById: new Map(posts.map((post) => [post.id!, entry(post)])),
      userTimelines: new Map([
        [alice, [entry(posts[1]!), entry(posts[0]!)]],
        [bob, [entry(posts[2]!)]],
      ]),
      homeTimelines: new Map([
        [alice, ['2001', '1002', '1001']],
        [bob, ['2001', '1002', '1001']],
      ]),
      tweetCounts: new Map([
        [alice, 2],
        [bob, 1],
      ]),
    },
  };
}

/** The consistent world with one observation changed. */
function aWorldWhere(change: (world: CheckInput) => void): CheckInput {
  const world = aConsistentWorld();
  change(world);
  return world;
}
const mutable = <K, V>(map: ReadonlyMap<K, V>) => map as Map<K, V>;

describe('the chaos checker', () => {
  it('when every acknowledged post is everywhere it should be, then the report is clean', () => {
    const report = check(aConsistentWorld());

    expect(isClean(report)).toBe(true);
    expect(report).toMatchObject({ attempted: 3, acked: 3, storedButUnacked: 0 });
  });

  it('when an acknowledged tweet is not found by id, then it is lost', () => {
    const report = check(aWorldWhere((world) => mutable(world.observed.tweetsById).set('1002', null)));

    expect(report.lost).toEqual([{ postKey: 'a2', tweetId: '1002', why: 'GET /v1/tweets/{id} does not find it' }]);
    expect(isClean(report)).toBe(false);
  });

  it("when an acknowledged tweet is missing from its author's user timeline, then it is lost", () => {
    const report = check(aWorldWhere((world) => mutable(world.observed.userTimelines).set(alice, [{ id: '1002', text: 'text of a2' }])));

    expect(report.lost.map((finding) => finding.tweetId)).toEqual(['1001']);
    // Its count now disagrees with the timeline too.
    expect(report.countDrift).toEqual([{ userId: alice, tweetCount: 2, tweets: 1 }]);
  });

  it('when one post is stored under two ids, or an id is twice in a home timeline, then both are duplicates', () => {
    const report = check(
      aWorldWhere((world) => {
        mutable(world.observed.userTimelines).set(bob, [
          { id: '2002', text: 'text of b1' },
          { id: '2001', text: 'text of b1' },
        ]);
        mutable(world.observed.tweetCounts).set(bob, 2);
        mutable(world.observed.homeTimelines).set(alice, ['2001', '1002', '1002', '1001']);
      }),
    );

    expect(report.duplicated).toEqual([
      { postKey: 'b1', why: 'stored 2 times: 2002, 2001' },
      { postKey: '', tweetId: '1002', userId: alice, why: 'twice in a home timeline' },
    ]);
  });

  it("when a follower's home timeline lacks an acknowledged tweet, then that entry is missing; when the author's does, that too", () => {
    const report = check(
      aWorldWhere((world) => {
        mutable(world.observed.homeTimelines).set(bob, ['1001']);
      }),
    );

    expect(report.missingFromFollowers).toEqual([{ postKey: 'a2', tweetId: '1002', userId: bob, why: "not in a follower's home timeline" }]);
    expect(report.missingFromAuthorHome).toEqual([{ postKey: 'b1', tweetId: '2001', userId: bob, why: "not in the author's home timeline" }]);
    expect(report.lost).toEqual([]);
  });

  it('when a home timeline is full, then tweets older than its oldest entry are trimmed, not missing', () => {
    const report = check(
      aWorldWhere((world) => {
        world.homeCapacity = 2;
        mutable(world.observed.homeTimelines).set(bob, ['2001', '1002']);
      }),
    );

    expect(report.missingFromFollowers).toEqual([]);
  });

  it("when a user's tweetCount differs from their tweets, then it is drift", () => {
    const report = check(aWorldWhere((world) => mutable(world.observed.tweetCounts).set(bob, 0)));

    expect(report.countDrift).toEqual([{ userId: bob, tweetCount: 0, tweets: 1 }]);
  });

  it('when a post was never acknowledged, then it is not counted as lost, and is reported when it was stored anyway', () => {
    const report = check(
      aWorldWhere((world) => {
        world.posts = [...world.posts, aPost('a3', alice), aPost('a4', alice)];
        mutable(world.observed.userTimelines).set(alice, [{ id: '1003', text: 'text of a3' }, ...world.observed.userTimelines.get(alice)!]);
        mutable(world.observed.tweetCounts).set(alice, 3);
      }),
    );

    expect(report).toMatchObject({ attempted: 5, acked: 3, storedButUnacked: 1 });
    expect(isClean(report)).toBe(true);
  });
});
