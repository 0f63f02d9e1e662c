// One suite for every MediaStore (with the tweet store it shares a database with): the in-memory
// fake (unit) and Postgres (integration) must behave alike.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Media } from '../../src/domain/media.ts';
import type { MediaStore, TweetStore } from '../../src/use-cases/ports.ts';
import { aTweet, STAND_IN } from './tweet-store.contract.ts';

let serial = 0;
/** A pending media with a fresh id and key. */
export function aMedia(overrides: Partial<Media> = {}): Media {
  serial += 1;
  const id = String(7_200_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1_000_000n + BigInt(serial));
  return {
    id,
    ownerId: '42',
    contentType: 'image/png',
    size: 68,
    status: 'pending',
    key: `media/42/${id}.png`,
    url: null,
    width: null,
    height: null,
    createdAt: new Date('2026-03-01T12:00:00.000Z'),
    tweetId: null,
    avatar: false,
    ...overrides,
  };
}

export function mediaStoreContract(name: string, makeStores: () => Promise<{ media: MediaStore; tweets: TweetStore }>): void {
  describe(`MediaStore contract: ${name}`, () => {
    let media: MediaStore;
    let tweets: TweetStore;
    beforeEach(async () => {
      ({ media, tweets } = await makeStores());
    });
    const ready = { status: 'ready', url: 'https://media.test/x.png', width: 4, height: 5 } as const;

    it('when a media is inserted, then it is found as inserted; unknown ids are left out', async () => {
      const item = aMedia();
      await media.insertMedia(item);
      expect(await media.findMedia([item.id, '1'])).toEqual([item]);
    });

    it('when a pending media is settled, then the first outcome stands and a later one changes nothing', async () => {
      const item = aMedia();
      await media.insertMedia(item);
      expect(await media.settleMedia(item.id, ready)).toEqual({ ...item, ...ready });
      expect(await media.settleMedia(item.id, { status: 'failed' })).toEqual({ ...item, ...ready });
      const other = aMedia();
      await media.insertMedia(other);
      expect((await media.settleMedia(other.id, { status: 'failed' }))?.status).toBe('failed');
      expect(await media.settleMedia('1', ready)).toBeUndefined();
    });

    it('when pending media are claimed, then only pending ones since the given time, oldest first, up to the limit', async () => {
      const since = new Date('2030-01-01T00:00:00.000Z');
      const at = new Date('2030-01-01T00:10:00.000Z');
      const window = { since, claimedBefore: new Date(at.getTime() - 1000), at };
      const older = aMedia({ createdAt: new Date('2029-12-31T23:59:59.000Z') });
      const first = aMedia({ createdAt: new Date('2030-01-01T00:00:01.000Z') });
      const second = aMedia({ createdAt: new Date('2030-01-01T00:00:02.000Z') });
      const settled = aMedia({ createdAt: new Date('2030-01-01T00:00:03.000Z') });
      for (const item of [second, older, settled, first]) await media.insertMedia(item);
      await media.settleMedia(settled.id, { status: 'failed' });
      expect(await media.claimPending(window, 1)).toEqual([first]);
      // What a pass claimed is left to it: a second pass at the same time takes the rest.
      expect((await media.claimPending(window, 10)).map((item) => item.id)).toEqual([second.id]);
      expect(await media.claimPending(window, 10)).toEqual([]);
    });

    it('when every pending media was claimed, then the next pass takes the least recently claimed first, oldest first among equals', async () => {
      const since = new Date('2031-01-01T00:00:00.000Z');
      const first = aMedia({ createdAt: new Date(since.getTime() + 1000) });
      const second = aMedia({ createdAt: new Date(since.getTime() + 2000) });
      const third = aMedia({ createdAt: new Date(since.getTime() + 3000) });
      for (const item of [third, first, second]) await media.insertMedia(item);
      const passAt = (seconds: number) => {
        const at = new Date(since.getTime() + seconds * 1000);
        return { since, claimedBefore: new Date(at.getTime() - 1000), at };
      };
      const ids = async (seconds: number, limit: number) => (await media.claimPending(passAt(seconds), limit)).map((item) => item.id);
      expect(await ids(10, 2)).toEqual([first.id, second.id]);
      expect(await ids(10.5, 2)).toEqual([third.id]);
      // At 11 s the first two were claimed 1 s ago, the third 0.5 s ago: not yet its turn.
      expect(await ids(11, 1)).toEqual([first.id]);
      expect(await ids(11.5, 3)).toEqual([second.id, third.id]);
    });

    it('when two passes claim at once, then no pending media is claimed by both', async () => {
      const since = new Date('2032-01-01T00:00:00.000Z');
      const pending = Array.from({ length: 6 }, (_, i) => aMedia({ createdAt: new Date(since.getTime() + i * 1000) }));
      for (const item of pending) await media.insertMedia(item);
      const window = { since, claimedBefore: since, at: new Date(since.getTime() + 60_000) };
      const [one, other] = await Promise.all([media.claimPending(window, 4), media.claimPending(window, 4)]);
      const claimed = [...one, ...other].map((item) => item.id);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(claimed.sort()).toEqual(pending.map((item) => item.id).sort());
    });

    it('when media is attached in a tweet’s transaction, then it names the tweet; a failed transaction attaches nothing', async () => {
      const item = aMedia();
      const kept = aMedia();
      await media.insertMedia(item);
      await media.insertMedia(kept);
      await media.settleMedia(item.id, ready);
      await media.settleMedia(kept.id, ready);
      const tweet = aTweet();
      await tweets.transaction(async (tx) => {
        expect((await tx.lockMedia([item.id, '1'])).map((locked) => locked.id)).toEqual([item.id]);
        await tx.insertTweet({ tweet, standIn: STAND_IN, events: [] });
        await tx.attachMedia([item.id], tweet.id);
      });
      await expect(
        tweets.transaction(async (tx) => {
          await tx.attachMedia([kept.id], tweet.id);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect((await media.findMediaOfTweet(tweet.id)).map((attached) => attached.id)).toEqual([item.id]);
      expect((await media.findMedia([kept.id]))[0]?.tweetId).toBeNull();
    });

    it('when media is removable, then it is unattached, no avatar and older than the cut-off, or on a deleted tweet and no avatar', async () => {
      const cutOff = new Date('2026-03-02T12:00:00.000Z');
      const old = aMedia({ createdAt: new Date('2026-03-01T11:00:00.000Z') });
      const young = aMedia({ createdAt: new Date('2026-03-02T12:30:00.000Z') });
      const avatar = aMedia({ createdAt: new Date('2026-03-01T11:00:00.000Z') });
      const onLive = aMedia();
      const onDeleted = aMedia();
      for (const item of [old, young, avatar, onLive, onDeleted]) await media.insertMedia(item);
      await media.markAvatar(avatar.id);
      const live = aTweet();
      const deleted = aTweet();
      await tweets.transaction(async (tx) => {
        for (const item of [onLive, onDeleted]) await media.settleMedia(item.id, ready);
        await tx.insertTweet({ tweet: live, standIn: STAND_IN, events: [] });
        await tx.insertTweet({ tweet: deleted, standIn: STAND_IN, events: [] });
        await tx.attachMedia([onLive.id], live.id);
        await tx.attachMedia([onDeleted.id], deleted.id);
      });
      await tweets.transaction(async (tx) => {
        await tx.lockTweet(deleted.id);
        await tx.markDeleted(deleted.id, cutOff);
      });
      const removable = (await media.listRemovable(cutOff, 100)).map((item) => item.id);
      expect(removable).toEqual(expect.arrayContaining([old.id, onDeleted.id]));
      expect(removable).not.toEqual(expect.arrayContaining([young.id]));
      expect(removable.filter((id) => [young.id, avatar.id, onLive.id].includes(id))).toEqual([]);
      await media.deleteMedia([old.id, onDeleted.id]);
      expect(await media.findMedia([old.id, onDeleted.id])).toEqual([]);
    });
  });
}
