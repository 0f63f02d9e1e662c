// One suite for every NotificationStore and UserDirectory: the in-memory fakes (unit) and Postgres (integration).
import { beforeEach, describe, expect, it } from 'vitest';
import type { NotificationStore, UserDirectory } from '../../src/use-cases/ports.ts';
import { aCandidate, anIdSource, aUser } from '../fixtures/builders.ts';

export function notificationStoreContract(name: string, makeStore: () => Promise<NotificationStore>): void {
  describe(`NotificationStore contract: ${name}`, () => {
    let store: NotificationStore;
    const ids = anIdSource();
    beforeEach(async () => {
      store = await makeStore();
    });

    it('when the same act is added again (in one call or later), then it is stored once and only the first add returns it', async () => {
      const like = aCandidate();
      const follow = aCandidate({ type: 'follow', tweetId: null });
      const first = await store.add([like, follow, { ...like }], ids);
      expect(first.map((n) => n.type)).toEqual(['like', 'follow']);
      expect(await store.add([{ ...follow, at: new Date() }, like], ids)).toEqual([]);
      expect((await store.listNewest('1001', { before: undefined, types: undefined, limit: 10 })).map((n) => n.id)).toEqual(first.map((n) => n.id).reverse());
    });

    it('when acts differ in recipient, type, actor or tweet, then each is its own notification, stored as it came', async () => {
      const base = aCandidate();
      const added = await store.add(
        [base, { ...base, recipientId: '1003' }, { ...base, type: 'mention' }, { ...base, actorId: '1004' }, { ...base, tweetId: '5002' }],
        ids,
      );
      expect(added).toHaveLength(5);
      expect(added[0]).toMatchObject({ ...base, id: expect.any(String) });
    });

    it('when a tweet is forgotten, then its notifications go, acts on it added later are skipped, and other tweets stay', async () => {
      await store.add([aCandidate({ type: 'mention' }), aCandidate({ tweetId: '5002' })], ids);
      expect(await store.forgetTweet('5001', new Date())).toBe(1);
      expect(await store.add([aCandidate({ actorId: '1009' }), aCandidate({ type: 'reply' })], ids)).toEqual([]);
      expect((await store.listNewest('1001', { before: undefined, types: undefined, limit: 10 })).map((n) => n.tweetId)).toEqual(['5002']);
      expect(await store.forgetTweet('5001', new Date())).toBe(0);
    });

    it('when pages are read, then newest first below the cursor, filtered by type, and replay oldest first above an id', async () => {
      const added = await store.add(
        Array.from({ length: 7 }, (_, i) => aCandidate({ tweetId: String(6000 + i), type: i % 2 === 0 ? 'like' : 'mention' })),
        ids,
      );
      const idsNewest = added.map((n) => n.id).reverse();
      const first = await store.listNewest('1001', { before: undefined, types: undefined, limit: 3 });
      expect(first.map((n) => n.id)).toEqual(idsNewest.slice(0, 3));
      const next = await store.listNewest('1001', { before: first.at(-1)!.id, types: undefined, limit: 3 });
      expect(next.map((n) => n.id)).toEqual(idsNewest.slice(3, 6));
      const mentions = await store.listNewest('1001', { before: undefined, types: ['mention', 'follow'], limit: 10 });
      expect(mentions.map((n) => n.type)).toEqual(['mention', 'mention', 'mention']);
      expect((await store.listNewest('1001', { before: mentions[0]!.id, types: ['mention'], limit: 1 })).map((n) => n.id)).toEqual([mentions[1]!.id]);
      expect((await store.listAfter('1001', added[2]!.id, 3)).map((n) => n.id)).toEqual(added.slice(3, 6).map((n) => n.id));
      expect(await store.listNewest('1002', { before: undefined, types: undefined, limit: 10 })).toEqual([]);
    });

    it('when read up to an id, then the count is of the ones above it, the mark never goes down, and the count stops at the cap', async () => {
      const added = await store.add(Array.from({ length: 6 }, (_, i) => aCandidate({ tweetId: String(7000 + i) })), ids);
      expect(await store.readUpTo('1001')).toBe('0');
      expect(await store.countUnread('1001', 1000)).toBe(6);
      await store.markRead('1001', added[3]!.id);
      expect(await store.countUnread('1001', 1000)).toBe(2);
      await store.markRead('1001', added[1]!.id);
      expect(await store.readUpTo('1001')).toBe(added[3]!.id);
      expect(await store.countUnread('1001', 1)).toBe(1);
      expect(await store.countUnread('1002', 1000)).toBe(0);
    });

    it('when deletion markers are pruned, then only the older ones go, and a pruned tweet can be notified of again', async () => {
      await store.forgetTweet('8001', new Date('2026-01-01T00:00:00Z'));
      await store.forgetTweet('8002', new Date('2026-03-01T00:00:00Z'));
      expect(await store.pruneDeletedBefore(new Date('2026-02-01T00:00:00Z'))).toBe(1);
      expect(await store.add([aCandidate({ tweetId: '8001' }), aCandidate({ tweetId: '8002' })], ids)).toHaveLength(1);
    });
  });
}

export function userDirectoryContract(name: string, makeDirectory: () => Promise<UserDirectory>): void {
  describe(`UserDirectory contract: ${name}`, () => {
    let users: UserDirectory;
    beforeEach(async () => {
      users = await makeDirectory();
    });

    it('when users are saved, then the highest profile version stays, handles are found in any case, and a registration time is kept', async () => {
      expect(await users.save(aUser({ profileVersion: 2, displayName: 'Alice 2', registeredAt: null }))).toBe(true);
      expect(await users.save(aUser({ profileVersion: 1 }))).toBe(false);
      expect(await users.save(aUser({ profileVersion: 3, displayName: 'Alice 3', registeredAt: null }))).toBe(true);
      await users.save(aUser({ id: '1002', handle: 'Bob_1' }));
      expect((await users.findByHandles(['ALICE', 'bob_1', 'carol'])).map((u) => u.displayName).sort()).toEqual(['Alice', 'Alice 3']);
      expect(await users.findByIds(['1001', '9'])).toEqual([aUser({ profileVersion: 3, displayName: 'Alice 3', registeredAt: null })]);
    });

    it("when avatar changes arrive out of order and twice, then the highest profile version's avatar stays, a removal included", async () => {
      const v2 = aUser({ profileVersion: 2, avatarUrl: 'https://media.example.test/a2.png', registeredAt: null });
      const v3 = aUser({ profileVersion: 3, avatarUrl: null, registeredAt: null });
      const v4 = aUser({ profileVersion: 4, avatarUrl: 'https://media.example.test/a4.png', registeredAt: null });
      for (const user of [v3, aUser(), v2, v3]) await users.save(user);
      expect((await users.findByIds(['1001']))[0]?.avatarUrl).toBeNull();
      for (const user of [v4, v2, v3, v4]) await users.save(user);
      expect(await users.findByIds(['1001'])).toEqual([v4]);
      expect((await users.findByHandles(['alice']))[0]?.avatarUrl).toBe('https://media.example.test/a4.png');
    });

    it('when mentions are held, then they are found by handle in any case until released or pruned', async () => {
      const at = new Date('2026-03-01T12:00:00Z');
      await users.hold([
        { handle: 'Carol', tweetId: '5001', actorId: '1001', at },
        { handle: 'carol', tweetId: '5002', actorId: '1001', at: new Date('2026-03-01T13:00:00Z') },
        { handle: 'dave', tweetId: '5001', actorId: '1001', at },
      ]);
      await users.hold([{ handle: 'Carol', tweetId: '5001', actorId: '1001', at }]);
      expect((await users.findHeld('CAROL')).map((h) => h.tweetId)).toEqual(['5001', '5002']);
      expect((await users.findHeld('carol'))[0]).toEqual({ handle: 'Carol', tweetId: '5001', actorId: '1001', at });
      await users.release('carol', ['5001']);
      expect((await users.findHeld('carol')).map((h) => h.tweetId)).toEqual(['5002']);
      expect(await users.pruneHeld(new Date('2026-03-01T12:30:00Z'))).toBe(1);
      expect(await users.findHeld('dave')).toEqual([]);
      expect(await users.findHeld('carol')).toHaveLength(1);
    });
  });
}
