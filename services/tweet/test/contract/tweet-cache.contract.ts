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
      expect(await cache.getTweets([tweet.id, reply.id, '9'])).toEqual(new Map([[tweet.id, tweet], [reply.id, reply]]));
      expect(await cache.getTweets([])).toEqual(new Map());
    });

    it('when an older or equal version is put after a newer one, then the newer stays; a newer one replaces it', async () => {
      const tweet = aStoredTweet();
      await cache.putTweets([tweet]);
      await cache.putTweets([{ ...tweet, likeCount: 2, version: 4 }, { ...tweet, likeCount: 9, version: 5 }]);
      expect((await cache.getTweets([tweet.id])).get(tweet.id)).toEqual(tweet);
      const deleted = { ...tweet, deleted: true, version: 6 };
      await cache.putTweets([deleted]);
      expect((await cache.getTweets([tweet.id])).get(tweet.id)).toEqual(deleted);
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
