// One suite for live updates: the recorder (unit) and the Redis publisher heard by a real
// subscriber on the channels the gateway listens to (integration) must behave alike. What the
// streams rely on: each update on the right reader's or author's channel, a follow's tweets
// oldest first, nothing made for a reader who is offline, and never an error for the caller.
import type { TweetSeeds } from '@chirp/testing/internal-api';
import { eventually } from '@chirp/testing/eventually';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveUpdates } from '../../src/use-cases/ports.ts';

/** The port with some streams open, and what they have heard so far, in the order it was published. */
export interface LiveLine {
  live: LiveUpdates;
  /**
   * `update 7 <tweet>` / `delete 7 <tweet>` on reader 7's stream, `update author:9 <tweet>` on
   * author 9's channel, `listen 7 author:9` / `unlisten 7 author:9` told to reader 7's stream.
   */
  heard(): string[];
  close(): Promise<void>;
}

/** A fresh port, one whose server cannot be reached, and tweets to announce (the real port hydrates them). */
export interface LiveLines extends Pick<TweetSeeds, 'post'> {
  /** A fresh port (its own channels) with streams open for `online`: readers' ids, and `author:<id>` for authors' channels. */
  open(online: readonly string[]): Promise<LiveLine>;
  unreachable(): Promise<LiveUpdates>;
}

export function liveUpdatesContract(name: string, lines: LiveLines): void {
  describe(`LiveUpdates contract: ${name}`, () => {
    let line: LiveLine | undefined;
    const open = async (online: readonly string[]) => (line = await lines.open(online));
    afterEach(async () => {
      await line?.close();
      line = undefined;
    });
    /** What `target`'s stream heard, once it has heard `count` things. */
    const heardBy = async (target: string, count: number) => {
      const theirs = () => line!.heard().filter((said) => said.split(' ')[1] === target);
      await eventually(() => theirs().length >= count, `${count} updates on the stream of ${target}`, 5000);
      return theirs();
    };
    /** Lists tweet ids, counting how often it was asked. */
    const aListing = (ids: string[]) => {
      const listing = Object.assign(
        async () => {
          listing.asked += 1;
          return ids;
        },
        { asked: 0 },
      );
      return listing;
    };

    it("when a tweet enters and leaves readers' timelines, then each online reader's stream hears it come and go, in that order", async () => {
      const { live, heard } = await open(['11', '12']);
      const tweet = await lines.post('61', 'entering');
      await live.entered(['11', '12', '13'], tweet, new Date().toISOString());
      await live.left(['12', '13'], tweet);
      expect(await heardBy('12', 2)).toEqual([`update 12 ${tweet}`, `delete 12 ${tweet}`]);
      // Published before 12's delete, so arrived by now: 11 heard the tweet come, and not go.
      expect(heard().filter((said) => said.split(' ')[1] === '11')).toEqual([`update 11 ${tweet}`]);
    });

    it("when a reader follows someone, then their stream hears the followee's tweets oldest first; when they unfollow, each leaves", async () => {
      const { live } = await open(['21']);
      const [oldest, middle, newest] = [await lines.post('62', 'one'), await lines.post('62', 'two'), await lines.post('62', 'three')];
      await live.enteredHome('21', async () => [newest, middle, oldest]);
      expect(await heardBy('21', 3)).toEqual([`update 21 ${oldest}`, `update 21 ${middle}`, `update 21 ${newest}`]);
      await live.leftHome('21', async () => [newest, middle, oldest]);
      expect((await heardBy('21', 6)).slice(3).sort()).toEqual([`delete 21 ${oldest}`, `delete 21 ${middle}`, `delete 21 ${newest}`].sort());
    });

    it('when a follow brings more tweets than one batch get of the tweet service carries (100; a follow brings up to 200), then the stream hears every one, oldest first', async () => {
      const { live } = await open(['26']);
      const posted: string[] = [];
      for (let n = 0; n < 101; n++) posted.push(await lines.post('67', `backfill ${n}`));
      await live.enteredHome('26', async () => posted.toReversed());
      expect(await heardBy('26', 101)).toEqual(posted.map((id) => `update 26 ${id}`));
    });

    it('when a reader without a stream follows or unfollows, then their tweets are not even listed', async () => {
      const { live, heard } = await open(['31']);
      const tweet = await lines.post('63', 'unheard');
      const [following, unfollowing] = [aListing([tweet]), aListing([tweet])];
      await live.enteredHome('32', following);
      await live.leftHome('32', unfollowing);
      expect([following.asked, unfollowing.asked]).toEqual([0, 0]);
      // The online reader's listing is asked: the offline one was skipped, not every one.
      const online = aListing([tweet]);
      await live.enteredHome('31', online);
      expect(await heardBy('31', 1)).toEqual([`update 31 ${tweet}`]);
      expect(online.asked).toBe(1);
      expect(heard().filter((said) => said.includes(' 32 '))).toEqual([]);
    });

    it('when a reader follows and then unfollows a merged author, then their stream is told to start and then stop hearing the author', async () => {
      const { live } = await open(['41']);
      await live.mergedAuthorFollowed('41', '64', true);
      await live.mergedAuthorFollowed('41', '64', false);
      expect(await heardBy('41', 2)).toEqual(['listen 41 author:64', 'unlisten 41 author:64']);
    });

    it("when a merged author posts and deletes, then the author's channel hears it come and go, and no reader's stream does", async () => {
      const { live, heard } = await open(['author:65', '51']);
      const tweet = await lines.post('65', 'merged');
      await live.mergedAuthorPosted('65', tweet, new Date().toISOString());
      await live.mergedAuthorDeleted('65', tweet);
      // Told after them: once the reader's stream hears it, all that came before it has arrived.
      await live.mergedAuthorFollowed('51', '65', true);
      await heardBy('51', 1);
      expect(heard()).toEqual([`update author:65 ${tweet}`, `delete author:65 ${tweet}`, 'listen 51 author:65']);
    });

    it('when the server cannot be reached, then every call resolves (the timeline write it follows stands)', async () => {
      const live = await lines.unreachable();
      const tweet = await lines.post('66', 'lost');
      const at = new Date().toISOString();
      await expect(
        Promise.all([
          live.entered(['71'], tweet, at),
          live.left(['71'], tweet),
          live.enteredHome('71', async () => [tweet]),
          live.leftHome('71', async () => [tweet]),
          live.mergedAuthorFollowed('71', '66', true),
          live.mergedAuthorPosted('66', tweet, at),
          live.mergedAuthorDeleted('66', tweet),
        ]),
      ).resolves.toHaveLength(7);
    });
  });
}
