// One suite for home timelines: the in-memory fake (unit) and Cassandra (integration) must behave alike.
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_HOME_ITEMS } from '../../src/domain/timeline.ts';
import type { HomeTimelineStore } from '../../src/use-cases/ports.ts';
import { nextId } from './snowflake-ids.ts';

export function homeTimelineStoreContract(name: string, make: () => Promise<HomeTimelineStore>): void {
  describe(`HomeTimelineStore contract: ${name}`, () => {
    let homeTimelines: HomeTimelineStore;
    beforeEach(async () => {
      homeTimelines = await make();
    });

    it('when entries are written, removed and read, then newest first, each once; removing an author says which went', async () => {
      const [reader, author, other] = [nextId(), nextId(), nextId()];
      const tweets = Array.from({ length: 5 }, () => nextId());
      for (const tweetId of tweets) await homeTimelines.push([reader], { tweetId, authorId: tweetId === tweets[2] ? other : author });
      await homeTimelines.push([reader], { tweetId: tweets[0]!, authorId: author });
      expect(await homeTimelines.read(reader)).toEqual([...tweets].reverse());
      await homeTimelines.unpush([reader], tweets[4]!);
      expect((await homeTimelines.unpushAuthor(reader, author)).sort()).toEqual([tweets[0], tweets[1], tweets[3]].sort());
      expect(await homeTimelines.read(reader)).toEqual([tweets[2]]);
      expect(await homeTimelines.unpushAuthor(reader, author)).toEqual([]);
      await homeTimelines.pushMany(reader, [{ tweetId: tweets[1]!, authorId: author }]);
      expect(await homeTimelines.read(reader)).toEqual([tweets[2], tweets[1]]);
    });
    it('when a timeline passes the depth, then reads never go deeper and a trim keeps the newest entries', async () => {
      const reader = nextId();
      const tweets = Array.from({ length: MAX_HOME_ITEMS + 5 }, () => nextId());
      await homeTimelines.pushMany(reader, tweets.map((tweetId) => ({ tweetId, authorId: '1' })));
      const newest = [...tweets].reverse().slice(0, MAX_HOME_ITEMS);
      expect(await homeTimelines.read(reader)).toEqual(newest);
      await homeTimelines.trim([reader]);
      expect(await homeTimelines.read(reader)).toEqual(newest);
      await homeTimelines.pushMany(reader, [{ tweetId: tweets[0]!, authorId: '1' }]);
      await homeTimelines.trim([reader]);
      expect(await homeTimelines.read(reader)).toEqual(newest);
    });
    it('when a timeline is cut below an entry, then older entries go, that entry and newer ones stay, and other readers keep theirs', async () => {
      const [reader, other] = [nextId(), nextId()];
      const tweets = Array.from({ length: 6 }, () => nextId());
      for (const who of [reader, other]) await homeTimelines.pushMany(who, tweets.map((tweetId) => ({ tweetId, authorId: '1' })));
      await homeTimelines.trimBelow([{ readerId: reader, oldestKept: tweets[2]! }]);
      expect(await homeTimelines.read(reader)).toEqual(tweets.slice(2).reverse());
      expect(await homeTimelines.read(other)).toEqual([...tweets].reverse());
      await homeTimelines.trimBelow([]);
      expect(await homeTimelines.read(reader)).toEqual(tweets.slice(2).reverse());
    });
  });
}
