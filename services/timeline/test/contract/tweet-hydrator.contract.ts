// One suite for hydration: the fake tweet directory (unit) and the HTTP adapter talking to a real
// tweet service (integration) must behave alike.
import type { TweetSeeds } from '@chirp/testing/internal-api';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TweetHydrator } from '../../src/use-cases/ports.ts';

/** The hydrator, and the tweet service behind it as far as the suite needs. */
export type TweetSource = { hydrator: TweetHydrator } & TweetSeeds;

export function tweetHydratorContract(name: string, make: () => Promise<TweetSource>): void {
  describe(`TweetHydrator contract: ${name}`, () => {
    let source: TweetSource;
    beforeEach(async () => {
      source = await make();
    });

    it('when a page is hydrated, then the tweets come back in the order asked, each under its id', async () => {
      const first = await source.post('71', 'first');
      const second = await source.post('72', 'second');
      const tweets = await source.hydrator.hydrate([second, first], '73');
      expect(tweets.map((tweet) => tweet.id)).toEqual([second, first]);
    });

    it('when a page holds deleted and unknown ids, then they are left out and the rest keep their order', async () => {
      const kept = await source.post('71', 'kept');
      const deleted = await source.post('71', 'deleted');
      const later = await source.post('72', 'later');
      await source.delete('71', deleted);
      const tweets = await source.hydrator.hydrate([later, deleted, '999999999999999999', kept], '73');
      expect(tweets.map((tweet) => tweet.id)).toEqual([later, kept]);
    });
  });
}
