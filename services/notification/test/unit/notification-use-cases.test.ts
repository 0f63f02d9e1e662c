import { encodeCursor } from '@chirp/kernel/pagination';
import { describe, expect, it } from 'vitest';
import { aNotificationService, aTweetJson } from '../fakes/fake-ports.ts';
import { aUser } from '../fixtures/builders.ts';

const at = new Date('2026-03-01T12:00:00Z');
const alice = aUser({ id: '1001', handle: 'alice', displayName: 'Alice' });
const bob = aUser({ id: '1002', handle: 'Bob_1', displayName: 'Bob' });
const carol = aUser({ id: '1003', handle: 'carol', displayName: 'Carol' });

async function withUsers() {
  const service = aNotificationService();
  for (const user of [alice, bob, carol]) await service.learnUser(user);
  return service;
}

describe('recording', () => {
  it('when a tweet mentions handles in any case and replies, then the mentioned users and the parent author are notified; unknown handles none', async () => {
    const service = await withUsers();
    service.ports.tweets.tweets.set('5001', aTweetJson('5001', bob.id));
    await service.recordTweet({ tweetId: '5001', authorId: bob.id, at, mentions: ['ALICE', 'alice', 'nobody', 'Bob_1'], replyToAuthorId: carol.id });
    const page = await service.listNotifications({ recipientId: alice.id, limit: 10 });
    expect(page.data).toEqual([
      {
        id: expect.any(String),
        type: 'mention',
        createdAt: at.toISOString(),
        read: false,
        actor: { id: bob.id, handle: 'Bob_1', displayName: 'Bob', avatarUrl: null },
        tweet: aTweetJson('5001', bob.id),
      },
    ]);
    expect((await service.listNotifications({ recipientId: carol.id, limit: 10 })).data.map((n) => n.type)).toEqual(['reply']);
    expect(await service.countUnread({ recipientId: bob.id })).toEqual({ count: 0 });
    expect(service.ports.metrics.createdByType).toEqual(new Map([['mention', 1], ['reply', 1]]));
  });

  it('when like, unlike-free repeats and redeliveries of a like and a follow arrive, then each notifies once', async () => {
    const service = await withUsers();
    service.ports.tweets.tweets.set('5001', aTweetJson('5001', alice.id));
    for (let i = 0; i < 3; i += 1) {
      await service.recordLike({ tweetId: '5001', authorId: alice.id, userId: bob.id, at });
      await service.recordFollow({ followerId: bob.id, followeeId: alice.id, at });
    }
    const page = await service.listNotifications({ recipientId: alice.id, limit: 10 });
    expect(page.data.map((n) => [n.type, n.tweet?.id ?? null])).toEqual([
      ['follow', null],
      ['like', '5001'],
    ]);
  });

  it('when users act on themselves, then nobody is notified', async () => {
    const service = await withUsers();
    await service.recordLike({ tweetId: '5001', authorId: alice.id, userId: alice.id, at });
    await service.recordFollow({ followerId: alice.id, followeeId: alice.id, at });
    await service.recordTweet({ tweetId: '5002', authorId: alice.id, at, mentions: ['alice'], replyToAuthorId: alice.id });
    expect(service.ports.store.all).toEqual([]);
  });

  it("when a tweet is deleted, then its mention and reply notifications go, and its late like notifies no one", async () => {
    const service = await withUsers();
    service.ports.tweets.tweets.set('5001', aTweetJson('5001', bob.id));
    await service.recordTweet({ tweetId: '5001', authorId: bob.id, at, mentions: ['alice'], replyToAuthorId: carol.id });
    await service.recordFollow({ followerId: bob.id, followeeId: alice.id, at });
    expect(await service.forgetTweet({ tweetId: '5001', at })).toBe(2);
    await service.recordLike({ tweetId: '5001', authorId: bob.id, userId: alice.id, at });
    await service.recordTweet({ tweetId: '5001', authorId: bob.id, at, mentions: ['alice'], replyToAuthorId: carol.id });
    expect(service.ports.store.all.map((n) => n.type)).toEqual(['follow']);
  });

  it("when a mention names a user whose registration arrives later, then it notifies them once registered, unless the account is newer than the tweet", async () => {
    const service = await withUsers();
    await service.recordTweet({ tweetId: '5001', authorId: alice.id, at, mentions: ['dave', 'erin'], replyToAuthorId: null });
    await service.learnUser(aUser({ id: '1004', handle: 'Dave', registeredAt: new Date(at.getTime() - 1000) }));
    await service.learnUser(aUser({ id: '1005', handle: 'erin', registeredAt: new Date(at.getTime() + 1000) }));
    await service.learnUser(aUser({ id: '1004', handle: 'Dave', registeredAt: new Date(at.getTime() - 1000) }));
    expect(service.ports.store.all.map((n) => [n.type, n.recipientId])).toEqual([['mention', '1004']]);
    expect(await service.ports.users.findHeld('dave')).toEqual([]);
  });
});

describe('reading', () => {
  it('when pages are read with a cursor and types, then newest first without repeats, only those types, and bad input is a 400 code', async () => {
    const service = await withUsers();
    for (let i = 0; i < 5; i += 1) {
      service.ports.tweets.tweets.set(String(6000 + i), aTweetJson(String(6000 + i), alice.id));
      await service.recordLike({ tweetId: String(6000 + i), authorId: alice.id, userId: bob.id, at });
    }
    await service.recordFollow({ followerId: carol.id, followeeId: alice.id, at });
    const first = await service.listNotifications({ recipientId: alice.id, limit: 4 });
    const second = await service.listNotifications({ recipientId: alice.id, limit: 4, cursor: first.nextCursor! });
    expect([...first.data, ...second.data].map((n) => n.tweet?.id ?? 'follow')).toEqual(['follow', '6004', '6003', '6002', '6001', '6000']);
    expect(second.nextCursor).toBeNull();
    expect((await service.listNotifications({ recipientId: alice.id, limit: 10, types: 'follow' })).data).toHaveLength(1);
    expect(service.ports.tweets.calls.at(-2)).toEqual(['6004', '6003', '6002']);
    await expect(service.listNotifications({ recipientId: alice.id, limit: 10, types: 'likes' })).rejects.toMatchObject({ code: 'INVALID_NOTIFICATION_TYPES' });
    await expect(service.listNotifications({ recipientId: alice.id, limit: 10, cursor: encodeCursor(['x']) })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('when a tweet is gone at the tweet service before its deletion arrives here, then its notification is left out of the page, not shown broken', async () => {
    const service = await withUsers();
    await service.recordLike({ tweetId: '5001', authorId: alice.id, userId: bob.id, at });
    expect((await service.listNotifications({ recipientId: alice.id, limit: 10 })).data).toEqual([]);
  });

  it("when an actor's user event has not arrived, then the user service is asked for that actor only", async () => {
    const service = await withUsers();
    const avatarUrl = 'https://media.example.test/late.png';
    service.ports.userLookup.users.set('1009', { id: '1009', handle: 'late', displayName: 'Late', avatarUrl });
    await service.recordFollow({ followerId: '1009', followeeId: alice.id, at });
    expect((await service.listNotifications({ recipientId: alice.id, limit: 10 })).data[0]?.actor).toEqual({ id: '1009', handle: 'late', displayName: 'Late', avatarUrl });
  });

  it("when an actor's avatar changes, then their notifications show the avatar of the highest profile version, whatever order the updates came in", async () => {
    const service = await withUsers();
    await service.recordFollow({ followerId: bob.id, followeeId: alice.id, at });
    const avatar = (version: number, avatarUrl: string | null) => ({ ...bob, profileVersion: version, avatarUrl, registeredAt: null });
    for (const update of [avatar(3, 'https://media.example.test/bob-3.png'), avatar(2, 'https://media.example.test/bob-2.png'), avatar(3, 'https://media.example.test/bob-3.png')])
      await service.learnUser(update);
    expect((await service.listNotifications({ recipientId: alice.id, limit: 10 })).data[0]?.actor).toEqual({
      id: bob.id,
      handle: 'Bob_1',
      displayName: 'Bob',
      avatarUrl: 'https://media.example.test/bob-3.png',
    });
    await service.learnUser(avatar(4, null));
    expect((await service.listNotifications({ recipientId: alice.id, limit: 10 })).data[0]?.actor.avatarUrl).toBeNull();
  });

  it('when read up to an id, then those are read and counted out; a lower mark later changes nothing', async () => {
    const service = await withUsers();
    for (const follower of [bob, carol]) await service.recordFollow({ followerId: follower.id, followeeId: alice.id, at });
    const [newest, oldest] = (await service.listNotifications({ recipientId: alice.id, limit: 10 })).data;
    await service.markRead({ recipientId: alice.id, upToId: oldest!.id });
    expect(await service.countUnread({ recipientId: alice.id })).toEqual({ count: 1 });
    await service.markRead({ recipientId: alice.id, upToId: newest!.id });
    await service.markRead({ recipientId: alice.id, upToId: oldest!.id });
    expect((await service.listNotifications({ recipientId: alice.id, limit: 10 })).data.map((n) => n.read)).toEqual([true, true]);
    expect(await service.countUnread({ recipientId: alice.id })).toEqual({ count: 0 });
    await expect(service.markRead({ recipientId: alice.id, upToId: 'abc' })).rejects.toMatchObject({ code: 'INVALID_NOTIFICATION_ID' });
  });

  it('when a stream missed notifications, then they come oldest first after the id it saw, paged without gaps', async () => {
    const service = await withUsers();
    for (let i = 0; i < 5; i += 1) await service.recordFollow({ followerId: String(2000 + i), followeeId: alice.id, at });
    for (let i = 0; i < 5; i += 1) service.ports.userLookup.users.set(String(2000 + i), { id: String(2000 + i), handle: `u${i}`, displayName: `U${i}`, avatarUrl: null });
    const all = service.ports.store.all.map((n) => n.id);
    const first = await service.listMissedNotifications({ recipientId: alice.id, afterId: all[0]!, limit: 2 });
    expect(first.data.map((n) => n.id)).toEqual(all.slice(1, 3));
    const rest = await service.listMissedNotifications({ recipientId: alice.id, afterId: first.nextAfter!, limit: 10 });
    expect(rest).toEqual({ data: expect.any(Array), nextAfter: null });
    expect(rest.data.map((n) => n.id)).toEqual(all.slice(3));
  });
});

describe('pushing', () => {
  it('when the recipient has a stream open, then the new notification is pushed hydrated; offline recipients are not hydrated at all', async () => {
    const service = await withUsers();
    service.ports.push.online.add(alice.id);
    service.ports.tweets.tweets.set('5001', aTweetJson('5001', bob.id));
    await service.recordTweet({ tweetId: '5001', authorId: bob.id, at, mentions: ['alice', 'carol'], replyToAuthorId: null });
    expect(service.ports.push.pushed.map((p) => [p.recipientId, p.notification.type, p.notification.tweet?.id])).toEqual([[alice.id, 'mention', '5001']]);
    expect(service.ports.tweets.calls).toEqual([['5001']]);
    await service.recordTweet({ tweetId: '5001', authorId: bob.id, at, mentions: ['alice'], replyToAuthorId: null });
    expect(service.ports.push.pushed).toHaveLength(1);
  });

  it('when the push fails, then the notification is still stored and the failure counted, not thrown', async () => {
    const service = await withUsers();
    service.ports.push.down = true;
    await service.recordFollow({ followerId: bob.id, followeeId: alice.id, at });
    expect(service.ports.store.all).toHaveLength(1);
    expect(service.ports.metrics.failedPushes).toBe(1);
  });

  it('when expired records are pruned, then held mentions older than an hour go', async () => {
    const service = aNotificationService(() => new Date(at.getTime() + 2 * 3600_000));
    await service.recordTweet({ tweetId: '5001', authorId: alice.id, at, mentions: ['dave'], replyToAuthorId: null });
    expect(await service.pruneExpiredRecords()).toEqual({ heldMentions: 1, deletionMarkers: 0 });
  });
});
