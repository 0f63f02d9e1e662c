// One suite for authors' recent tweets: the in-memory fake (unit) and Cassandra (integration) must behave alike.
import { beforeEach, describe, expect, it } from 'vitest';
import { AUTHOR_TWEETS_DEPTH } from '../../src/domain/timeline.ts';
import type { AuthorTweetStore } from '../../src/use-cases/ports.ts';
import { nextId } from './snowflake-ids.ts';

export function authorTweetStoreContract(name: string, make: () => Promise<AuthorTweetStore>): void {
  describe(`AuthorTweetStore contract: ${name}`, () => {
    let authorTweets: AuthorTweetStore;
    beforeEach(async () => {
      authorTweets = await make();
    });

    it('when an author’s tweets are recorded and removed, then they list newest first, and the fanned-out flag only ever goes up', async () => {
      const author = nextId();
      const [a, b, c] = [nextId(), nextId(), nextId()].map((tweetId) => ({ tweetId, authorId: author }));
      await authorTweets.record(a!, true);
      await authorTweets.record(b!, false);
      await authorTweets.record(c!, true);
      await authorTweets.record(a!, false);
      expect(await authorTweets.recent(author, undefined, 2)).toEqual([c!.tweetId, b!.tweetId]);
      expect(await authorTweets.recent(author, c!.tweetId, 5)).toEqual([b!.tweetId, a!.tweetId]);
      expect([await authorTweets.wasFannedOut(a!), await authorTweets.wasFannedOut(b!)]).toEqual([true, false]);
      await authorTweets.remove(a!);
      await authorTweets.remove(b!);
      expect(await authorTweets.wasFannedOut(a!)).toBeUndefined();
      expect(await authorTweets.recent(author, undefined, 5)).toEqual([c!.tweetId]);
    });

    it('when an author has more tweets than the depth, then a trim keeps the newest', async () => {
      const author = nextId();
      const tweets = Array.from({ length: AUTHOR_TWEETS_DEPTH + 3 }, () => nextId());
      await Promise.all(tweets.map((tweetId) => authorTweets.record({ tweetId, authorId: author }, false)));
      await authorTweets.trim(author);
      expect(await authorTweets.recent(author, undefined, AUTHOR_TWEETS_DEPTH + 10)).toEqual([...tweets].reverse().slice(0, AUTHOR_TWEETS_DEPTH));
    });
  });
}
