// One suite for what the notification service asks of the tweet and user services: the fakes
// (unit) and the HTTP adapters talking to the real services (integration) must behave alike.
import type { TweetSeeds, UserSeeds } from '@chirp/testing/internal-api';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TweetHydrator, UserLookup } from '../../src/use-cases/ports.ts';

/** The hydrator, and the tweet service behind it as far as the suite needs. */
export type TweetSource = { hydrator: TweetHydrator } & TweetSeeds;
/** The lookup, and the user service behind it. */
export type UserSource = { lookup: UserLookup } & UserSeeds;

export function tweetHydratorContract(name: string, make: () => Promise<TweetSource>): void {
  describe(`TweetHydrator contract: ${name}`, () => {
    let source: TweetSource;
    beforeEach(async () => {
      source = await make();
    });

    it('when a page is hydrated, then each tweet comes back whole, in the order asked', async () => {
      const first = await source.post('81', 'first #one');
      const second = await source.post('82', 'second');
      const tweets = await source.hydrator.hydrate([second, first], '83');
      expect(tweets.map((tweet) => [tweet.id, tweet.text, tweet.author.id])).toEqual([
        [second, 'second', '82'],
        [first, 'first #one', '81'],
      ]);
    });

    it('when a page holds deleted and unknown ids, then they are left out and the rest keep their order', async () => {
      const kept = await source.post('81', 'kept');
      const deleted = await source.post('81', 'deleted');
      await source.delete('81', deleted);
      const tweets = await source.hydrator.hydrate([deleted, '999999999999999999', kept], '83');
      expect(tweets.map((tweet) => tweet.id)).toEqual([kept]);
    });
  });
}

let serial = 0;
/** Handles no other case (or earlier run on the same database) has taken. */
const aHandle = () => `n${Date.now().toString(36).slice(-6)}${(serial += 1)}`;

export function userLookupContract(name: string, make: () => Promise<UserSource>): void {
  describe(`UserLookup contract: ${name}`, () => {
    let source: UserSource;
    beforeEach(async () => {
      source = await make();
    });

    it('when users are looked up, then the known ones come back with handle, display name and avatar (null for none), unknown ids left out', async () => {
      const [ann, bob] = [aHandle(), aHandle()];
      const annId = await source.register(ann, 'Ann A');
      const bobId = await source.register(bob, 'Bob B');
      const avatarUrl = `https://media.example.test/avatars/${annId}.png`;
      await source.setAvatar(annId, avatarUrl);
      const found = await source.lookup.findByIds([bobId, '999999999999999999', annId]);
      // The port promises these four fields; an adapter may carry more.
      const named = found.map(({ id, handle, displayName, avatarUrl }) => ({ id, handle, displayName, avatarUrl }));
      expect(named.sort((a, b) => a.handle.localeCompare(b.handle))).toEqual([
        { id: annId, handle: ann, displayName: 'Ann A', avatarUrl },
        { id: bobId, handle: bob, displayName: 'Bob B', avatarUrl: null },
      ]);
    });
  });
}
