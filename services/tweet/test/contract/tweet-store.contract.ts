// One suite for every TweetStore: the in-memory fake (unit) and Postgres (integration) must
// behave alike, so the unit tests that trust the fake are trusting the real thing.
import { beforeEach, describe, expect, it } from 'vitest';
import { parseSearchQuery, type Tweet } from '../../src/domain/tweet.ts';
import { extractEntities } from '../../src/domain/tweet-text.ts';
import { createEvent } from '@chirp/kernel/events';
import { TweetCreated } from '@chirp/kernel/tweet-events';
import type { NewTweet, TweetStore } from '../../src/use-cases/ports.ts';

let serial = 0;
const nextId = () => {
  serial += 1;
  return String(7_100_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1_000_000n + BigInt(serial));
};

/** A tweet with a fresh id, later than every tweet made before it. */
export function aTweet(overrides: Partial<Tweet> = {}): Tweet {
  return {
    id: nextId(),
    authorId: '42',
    text: 'hello world',
    createdAt: new Date('2026-03-01T12:00:00.000Z'),
    replyToId: null,
    hashtags: [],
    mentions: [],
    likeCount: 0,
    replyCount: 0,
    media: [],
    ...overrides,
  };
}

/** The author stand-in a post brings (the create use case names it by the token's handle). */
export const STAND_IN = { handle: 'stand_in', displayName: 'stand_in' };

/** A tweet's text and entities as the create use case makes them (NFC, hashtags and mentions extracted). */
const withEntities = (raw: string): Partial<Tweet> => {
  const text = raw.normalize('NFC');
  return { text, ...extractEntities(text) };
};

/** A post as the create use case writes one: the tweet, the stand-in and its tweet.created event. */
export const aPost = (tweet: Tweet): Omit<NewTweet, 'claim'> => ({
  tweet,
  standIn: STAND_IN,
  events: [
    createEvent(TweetCreated, {
      tweetId: tweet.id,
      authorId: tweet.authorId,
      createdAt: tweet.createdAt.toISOString(),
      replyToId: null,
      replyToAuthorId: null,
      mentions: [],
      hashtags: [],
    }),
  ],
});

/** `writtenEventIds`: the ids of the events the store under test has written so far (its outbox). */
export function tweetStoreContract(name: string, makeStore: () => Promise<TweetStore>, writtenEventIds: () => Promise<string[]>): void {
  describe(`TweetStore contract: ${name}`, () => {
    let store: TweetStore;
    let authorId: string;
    beforeEach(async () => {
      store = await makeStore();
      authorId = nextId();
    });
    const post = async (overrides: Partial<Tweet> = {}) => {
      const tweet = aTweet({ authorId, ...overrides });
      await store.transaction(async (tx) => {
        if (tweet.replyToId) await tx.adjustCount(tweet.replyToId, 'replyCount', 1);
        await tx.insertTweet({ tweet, standIn: STAND_IN, events: [] });
      });
      return tweet;
    };
    const remove = (id: string) => store.transaction((tx) => tx.markDeleted(id, new Date('2026-03-02T00:00:00.000Z')));

    it('when a tweet is inserted, then it is found with its author at version 1; unknown ids are left out', async () => {
      const tweet = await post({ hashtags: ['a', 'b'], mentions: ['Bob'] });
      const found = await store.findTweets([tweet.id, '1']);
      expect(found.tweets).toEqual([{ ...tweet, deleted: false, version: 1 }]);
      expect(found.authors).toEqual([{ id: authorId, handle: 'stand_in', displayName: 'stand_in', profileVersion: 0 }]);
      expect(await store.findAuthors([authorId, '2'])).toEqual(found.authors);
    });

    it('when authors are saved, then a higher profile version wins over the stand-in, and a lower or equal one changes nothing', async () => {
      await post();
      const v2 = { id: authorId, handle: 'Real', displayName: 'Real Name', profileVersion: 2 };
      expect(await store.saveAuthor(v2)).toEqual(v2);
      expect(await store.saveAuthor({ ...v2, displayName: 'Old', profileVersion: 1 })).toBeUndefined();
      expect(await store.saveAuthor({ ...v2, displayName: 'Same', profileVersion: 2 })).toBeUndefined();
      const later = aTweet({ authorId });
      await store.transaction((tx) => tx.insertTweet({ tweet: later, standIn: { handle: 'other', displayName: 'other' }, events: [] }));
      expect(await store.findAuthors([authorId])).toEqual([v2]);
      expect((await store.findTweets([later.id])).authors).toEqual([v2]);
    });

    it('when a transaction throws, then nothing of it stays', async () => {
      const ghost = aTweet({ authorId });
      await expect(
        store.transaction(async (tx) => {
          await tx.insertTweet({ tweet: ghost, standIn: STAND_IN, events: [] });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await store.findTweets([ghost.id])).tweets).toEqual([]);
    });

    it('when an idempotency key is claimed, then a second claim gets the first tweet, another author or an expired claim a fresh one', async () => {
      const first = await post();
      const at = new Date('2026-03-01T12:00:00.000Z');
      const claim = (tweetId: string, overrides: { authorId?: string; at?: Date; notBefore?: Date } = {}) =>
        store.transaction(async (tx) => {
          const result = await tx.claimIdempotencyKey({ authorId, key: 'k-1', tweetId, at, notBefore: new Date(at.getTime() - 1000), ...overrides });
          return result;
        });
      expect(await claim(first.id)).toBeUndefined();
      expect(await claim((await post()).id)).toBe(first.id);
      expect(await claim(first.id, { authorId: nextId() })).toBeUndefined();
      const later = new Date(at.getTime() + 25 * 3600_000);
      const third = await post();
      expect(await claim(third.id, { at: later, notBefore: new Date(later.getTime() - 24 * 3600_000) })).toBeUndefined();
      expect(await claim((await post()).id, { at: later, notBefore: new Date(later.getTime() - 24 * 3600_000) })).toBe(third.id);
      expect(await store.pruneIdempotencyKeys(new Date(later.getTime() + 1))).toBe(2);
      expect(await store.pruneIdempotencyKeys(new Date(later.getTime() + 1))).toBe(0);
    });

    it('when a post is written in one write, then the tweet, its stand-in author and its event are stored together', async () => {
      const post = aPost(aTweet({ authorId }));
      expect(await store.insertTweet(post)).toEqual({});
      expect((await store.findTweets([post.tweet.id])).tweets).toEqual([{ ...post.tweet, deleted: false, version: 1 }]);
      expect(await store.findAuthors([authorId])).toEqual([{ id: authorId, ...STAND_IN, profileVersion: 0 }]);
      expect(await writtenEventIds()).toContain(post.events[0]!.id);
    });

    it('when a post reuses an Idempotency-Key, then the first tweet is answered and nothing written; another author, or once expired, posts anew', async () => {
      const at = new Date('2026-03-01T12:00:00.000Z');
      const claim = { key: 'k-post', at, notBefore: new Date(at.getTime() - 24 * 3600_000) };
      const [first, again, otherAuthor] = [aPost(aTweet({ authorId })), aPost(aTweet({ authorId })), aPost(aTweet({ authorId: nextId() }))];
      expect(await store.insertTweet({ ...first, claim })).toEqual({});
      expect(await store.insertTweet({ ...again, claim })).toEqual({ replayOf: first.tweet.id });
      expect((await store.findTweets([again.tweet.id])).tweets).toEqual([]);
      expect(await writtenEventIds()).not.toContain(again.events[0]!.id);
      expect(await store.insertTweet({ ...otherAuthor, claim })).toEqual({});
      // A day later the claim has expired: the key is taken over, and names the new tweet from then on.
      const later = new Date(at.getTime() + 25 * 3600_000);
      const laterClaim = { key: 'k-post', at: later, notBefore: new Date(later.getTime() - 24 * 3600_000) };
      const [renewed, replayed] = [aPost(aTweet({ authorId })), aPost(aTweet({ authorId }))];
      expect(await store.insertTweet({ ...renewed, claim: laterClaim })).toEqual({});
      expect(await store.insertTweet({ ...replayed, claim: laterClaim })).toEqual({ replayOf: renewed.tweet.id });
      expect((await store.findTweets([renewed.tweet.id])).tweets).toHaveLength(1);
    });

    it('when five posts race with one Idempotency-Key, then one is written and the other four answer it', async () => {
      const claim = { key: 'k-race', at: new Date(), notBefore: new Date(Date.now() - 3600_000) };
      const posts = Array.from({ length: 5 }, () => aPost(aTweet({ authorId })));
      const results = await Promise.all(posts.map((post) => store.insertTweet({ ...post, claim })));
      const written = posts.filter((_, i) => results[i]!.replayOf === undefined);
      expect(written).toHaveLength(1);
      expect(results.filter((result) => result.replayOf === written[0]!.tweet.id)).toHaveLength(4);
      expect((await store.findTweets(posts.map((post) => post.tweet.id))).tweets.map((tweet) => tweet.id)).toEqual([written[0]!.tweet.id]);
      const events = await writtenEventIds();
      expect(posts.filter((post) => events.includes(post.events[0]!.id))).toEqual(written);
    });

    it('when counts change, then each change raises the version; a deleted tweet takes none and stays findable as deleted', async () => {
      const tweet = await post();
      const liked = await store.transaction((tx) => tx.adjustCount(tweet.id, 'likeCount', 1));
      expect(liked).toMatchObject({ likeCount: 1, replyCount: 0, version: 2 });
      const unliked = await store.transaction((tx) => tx.adjustCount(tweet.id, 'likeCount', -1));
      expect(unliked).toMatchObject({ likeCount: 0, version: 3 });
      expect(await remove(tweet.id)).toMatchObject({ deleted: true, version: 4 });
      expect(await store.transaction((tx) => tx.adjustCount(tweet.id, 'replyCount', 1))).toBeUndefined();
      expect(await store.transaction((tx) => tx.lockTweet(tweet.id))).toMatchObject({ deleted: true });
      expect((await store.findTweets([tweet.id])).tweets[0]).toMatchObject({ deleted: true, version: 4 });
    });

    it('when likes are added and removed, then each once, and likedAmong names the liked ones', async () => {
      const [a, b] = [await post(), await post()];
      const at = new Date();
      expect(await store.transaction((tx) => tx.insertLike(a.id, '7', at))).toBe(true);
      expect(await store.transaction((tx) => tx.insertLike(a.id, '7', at))).toBe(false);
      expect(await store.likedAmong('7', [a.id, b.id])).toEqual(new Set([a.id]));
      expect(await store.transaction((tx) => tx.deleteLike(a.id, '7'))).toBe(true);
      expect(await store.transaction((tx) => tx.deleteLike(a.id, '7'))).toBe(false);
      expect(await store.likedAmong('7', [a.id, b.id])).toEqual(new Set());
    });

    it('when listing an author, then newest first in keyset pages, deleted tweets left out', async () => {
      const tweets = [await post(), await post(), await post(), await post()];
      await remove(tweets[2]!.id);
      const first = await store.listByAuthor(authorId, undefined, 2);
      expect(first).toEqual({ ids: [tweets[3]!.id, tweets[1]!.id] });
      expect(await store.listByAuthor(authorId, first.ids[1], 2)).toEqual({ ids: [tweets[0]!.id] });
      expect(await store.listByAuthor(nextId(), undefined, 2)).toEqual({ ids: [] });
    });

    it("when a list names a viewer, then the viewer's likes among its page come with it, and without a viewer none", async () => {
      const [tag, word] = [`t${nextId()}`, `w${nextId()}`];
      const parent = await post();
      const reply = () => post({ ...withEntities(`${word} #${tag}`), replyToId: parent.id });
      const [older, newer] = [await reply(), await reply()];
      const [viewer, other] = [nextId(), nextId()];
      const at = new Date();
      await store.transaction(async (tx) => {
        await tx.insertLike(older.id, viewer, at);
        await tx.insertLike(newer.id, other, at);
        await tx.insertLike(parent.id, viewer, at);
      });
      const search = parseSearchQuery(`#${tag}`);
      expect(await store.listByAuthor(authorId, newer.id, 2, viewer)).toEqual({ ids: [older.id, parent.id], likedByViewer: new Set([older.id, parent.id]) });
      expect(await store.listByAuthor(authorId, undefined, 1, other)).toEqual({ ids: [newer.id], likedByViewer: new Set([newer.id]) });
      expect(await store.listReplies(parent.id, undefined, 5, viewer)).toEqual({ ids: [older.id, newer.id], likedByViewer: new Set([older.id]) });
      expect(await store.search(search, undefined, 5, other)).toEqual({ ids: [newer.id, older.id], likedByViewer: new Set([newer.id]) });
      // A like outside the page is not named: the page is the limit's, not the viewer's likes.
      expect(await store.search(search, undefined, 1, viewer)).toEqual({ ids: [newer.id], likedByViewer: new Set() });
      // With words the viewer is one parameter further on.
      expect(await store.search(parseSearchQuery(`${word} #${tag}`), undefined, 5, viewer)).toEqual({ ids: [newer.id, older.id], likedByViewer: new Set([older.id]) });
      expect(await store.listReplies(parent.id, undefined, 5)).toEqual({ ids: [older.id, newer.id] });
    });

    it('when listing replies, then oldest first in keyset pages, deleted replies left out', async () => {
      const parent = await post();
      const replies = [await post({ replyToId: parent.id }), await post({ replyToId: parent.id }), await post({ replyToId: parent.id })];
      await remove(replies[1]!.id);
      expect((await store.listReplies(parent.id, undefined, 1)).ids).toEqual([replies[0]!.id]);
      expect((await store.listReplies(parent.id, replies[0]!.id, 5)).ids).toEqual([replies[2]!.id]);
    });

    it('when searching, then whole words in any case and every hashtag, newest first, deleted tweets never', async () => {
      const tag = `t${nextId()}`;
      const word = `w${nextId()}`;
      const a = await post(withEntities(`Running with ${word.toUpperCase()}! #${tag}`));
      const b = await post(withEntities(`${word}house and ${word}`));
      const c = await post(withEntities(`deleted ${word} #${tag}`));
      const d = await post(withEntities(`snake ${word}_case here #${tag} #other`));
      await remove(c.id);
      const search = async (q: string, before?: string, limit = 10) => (await store.search(parseSearchQuery(q), before, limit)).ids;
      expect(await search(word)).toEqual([b.id, a.id]);
      expect(await search(`#${tag}`)).toEqual([d.id, a.id]);
      expect(await search(`${word} running #${tag.toUpperCase()}`)).toEqual([a.id]);
      expect(await search(`${word}_case`)).toEqual([d.id]);
      expect(await search(word, b.id, 1)).toEqual([a.id]);
      expect(await search(`${word}hous`)).toEqual([]);
    });

    it('when tweets are in other scripts, decomposed, or dotted, then a query written either way finds them by the same words', async () => {
      const marker = `m${nextId()}`;
      const hindi = await post(withEntities(`${marker} नमस्ते दुनिया #नमस्ते`));
      const nfd = await post(withEntities(`${marker} cafe\u0301 au lait`));
      const dotted = await post(withEntities(`${marker} learning node.js and covid-19 facts`));
      const search = async (q: string) => (await store.search(parseSearchQuery(`${marker} ${q}`), undefined, 10)).ids;
      expect(await search('नमस्ते')).toEqual([hindi.id]);
      expect(await search('#नमस्ते')).toEqual([hindi.id]);
      expect(await search('café')).toEqual([nfd.id]);
      expect(await search('CAFE\u0301')).toEqual([nfd.id]);
      expect(await search('node')).toEqual([dotted.id]);
      expect(await search('node.js')).toEqual([dotted.id]);
      expect(await search('covid-19')).toEqual([dotted.id]);
      expect(await search('js')).toEqual([dotted.id]);
    });

    it('when a word is longer than any query could be, then it is not indexed, and the tweet is still stored and found by its other words', async () => {
      const marker = `m${nextId()}`;
      const tweet = await post(withEntities(`${marker} ${'x'.repeat(3000)} 🇺🇳`));
      expect((await store.search(parseSearchQuery(marker), undefined, 10)).ids).toEqual([tweet.id]);
    });
  });
}
