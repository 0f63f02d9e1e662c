// One suite for every TweetCache: the in-memory fake (unit) and Redis (integration).
import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredTweet, TweetCache } from '../../src/use-cases/ports.ts';

const aStoredTweet = (overrides: Partial<StoredTweet> = {}): StoredTweet => ({
  id: '7100000000000000001',
  authorId: '42',
  text: 'héllo 🐦 "quoted" | piped',
  createdAt: new Date('2026-03-01T12:00:00.123Z'),
  replyToId: null,
  hashtags: ['a'],
  mentions: ['Bob'],
  likeCount: 3,
  replyCount: 1,
  media: [{ id: '7100000000000000009', contentType: 'image/png', size: 68, url: 'https://media.test/media/42/7100000000000000009.png', width: 1, height: 2 }],
  deleted: false,
  version: 5,
  ...overrides,
});

export function tweetCacheContract(name: string, makeCache: () => Promise<TweetCache>): void {
  describe(`TweetCache contract: ${name}`, () => {
    let cache: TweetCache;
    beforeEach(async () => {
      cache = await makeCache();
    });

    it('when tweets are put, then they come back as they went in, and absent ids are misses', async () => {
      const tweet = aStoredTweet();
      const reply = aStoredTweet({ id: '7100000000000000002', replyToId: tweet.id, version: 1 });
      await cache.putTweets([tweet, reply]);
      expect((await cache.getTweetsAndAuthors([tweet.id, reply.id, '9'])).tweets).toEqual(new Map([[tweet.id, tweet], [reply.id, reply]]));
      expect(await cache.getTweetsAndAuthors([])).toEqual({ tweets: new Map(), authors: new Map() });
    });

    it('when an older or equal version is put after a newer one, then the newer stays; a newer one replaces it', async () => {
      const tweet = aStoredTweet();
      await cache.putTweets([tweet]);
      await cache.putTweets([{ ...tweet, likeCount: 2, version: 4 }, { ...tweet, likeCount: 9, version: 5 }]);
      expect((await cache.getTweetsAndAuthors([tweet.id])).tweets.get(tweet.id)).toEqual(tweet);
      const deleted = { ...tweet, deleted: true, version: 6 };
      await cache.putTweets([deleted]);
      expect((await cache.getTweetsAndAuthors([tweet.id])).tweets.get(tweet.id)).toEqual(deleted);
    });

    it('when tweets are read, then the cached authors of the tweets found come with them, each once, and no others', async () => {
      const bob = { id: '42', handle: 'Bob', displayName: 'Bob "authorId":"43"', profileVersion: 2 };
      const carol = { id: '44', handle: 'Carol', displayName: 'Carol', profileVersion: 1 };
      const stranger = { id: '45', handle: 'Stranger', displayName: 'Stranger', profileVersion: 1 };
      // A text naming another author the way the JSON does must not be taken for the field.
      const first = aStoredTweet({ text: '"authorId":"45" is not the author' });
      const second = aStoredTweet({ id: '7100000000000000002' });
      const uncachedAuthor = aStoredTweet({ id: '7100000000000000003', authorId: '46' });
      const byCarol = aStoredTweet({ id: '7100000000000000004', authorId: carol.id });
      await cache.putTweets([first, second, uncachedAuthor, byCarol]);
      await cache.putAuthors([bob, carol, stranger]);
      const read = await cache.getTweetsAndAuthors([first.id, second.id, uncachedAuthor.id, '9']);
      expect(read.tweets).toEqual(new Map([[first.id, first], [second.id, second], [uncachedAuthor.id, uncachedAuthor]]));
      expect(read.authors).toEqual(new Map([[bob.id, bob]]));
      expect((await cache.getTweetsAndAuthors([byCarol.id, '9'])).authors).toEqual(new Map([[carol.id, carol]]));
    });

    it('when authors are put, then the highest profile version stays', async () => {
      const author = { id: '42', handle: 'Bob', displayName: 'Bob | "B"', profileVersion: 2 };
      await cache.putAuthors([author]);
      await cache.putAuthors([{ ...author, displayName: 'Older', profileVersion: 1 }]);
      expect(await cache.getAuthors(['42', '43'])).toEqual(new Map([['42', author]]));
      await cache.putAuthors([{ ...author, displayName: 'Newer', profileVersion: 3 }]);
      expect((await cache.getAuthors(['42'])).get('42')?.displayName).toBe('Newer');
    });
  });
}
