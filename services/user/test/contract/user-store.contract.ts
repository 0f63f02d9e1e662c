// One suite for every UserStore: the in-memory fake (unit) and Postgres (integration) must
// behave alike, so the unit tests that trust the fake are trusting the real thing.
import { DomainError } from '@chirp/kernel/errors';
import { createEvent } from '@chirp/kernel/events';
import { UserFollowed } from '@chirp/kernel/user-events';
import { beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../src/domain/user.ts';
import type { NewFollow, UserStore } from '../../src/use-cases/ports.ts';

let serial = 0;
/** A user with a fresh id and handle unless told otherwise. */
export function aUser(overrides: Partial<User> = {}): User {
  serial += 1;
  return {
    id: String(8_000_000_000_000_000_000n + BigInt(serial) * 1000n + BigInt(Math.floor(Math.random() * 1000))),
    handle: `user_${serial}`,
    displayName: `User ${serial}`,
    bio: '',
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    followersCount: 0,
    followingCount: 0,
    tweetCount: 0,
    avatarUrl: null,
    ...overrides,
  };
}

/** A follow of `followeeId` by `followerId`, announced as the follow use case announces it, with the event's id. */
export function aFollow(followerId: string, followeeId: string, at = new Date()): NewFollow & { eventId: string } {
  const eventId = crypto.randomUUID();
  return {
    followerId,
    followeeId,
    at,
    eventId,
    announce: (sequence) => createEvent(UserFollowed, { followerId, followeeId, sequence, followedAt: at.toISOString() }, { id: eventId, occurredAt: at }),
  };
}

/**
 * `emitted` reads back the payload of the event with this id as the store wrote it with its
 * change (the outbox's row), or undefined when none was written.
 */
export function userStoreContract(name: string, makeStore: () => Promise<UserStore>, emitted: (store: UserStore, eventId: string) => Promise<unknown>): void {
  describe(`UserStore contract: ${name}`, () => {
    let store: UserStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    const insert = async (...users: User[]) => {
      for (const user of users) await store.transaction((tx) => tx.insertUser(user, 'hash'));
      return users;
    };

    it('when a user is inserted, then it is found by id, by handle in any case, and among ids', async () => {
      const [user] = await insert(aUser({ handle: 'MixedCase' }));
      expect(await store.findById(user!.id)).toEqual(user);
      expect(await store.findByHandle('mixedcase')).toEqual(user);
      expect(await store.findCredentials('MIXEDCASE')).toEqual({ user, passwordHash: 'hash' });
      expect(await store.findManyByIds([user!.id, '1'])).toEqual([user]);
      expect(await store.findByHandle('nobody_here')).toBeUndefined();
      expect(await store.transaction((tx) => tx.readUser(user!.id))).toEqual(user);
      expect(await store.transaction((tx) => tx.readUser('1'))).toBeUndefined();
    });

    it('when a handle is taken in another case, then HANDLE_TAKEN; when a transaction throws, then nothing of it stays', async () => {
      await insert(aUser({ handle: 'Taken_1' }));
      await expect(store.transaction((tx) => tx.insertUser(aUser({ handle: 'taken_1' }), 'h'))).rejects.toMatchObject({ code: 'HANDLE_TAKEN' });
      const ghost = aUser();
      await expect(
        store.transaction(async (tx) => {
          await tx.insertUser(ghost, 'h');
          throw new Error('use case failed');
        }),
      ).rejects.toThrow('use case failed');
      expect(await store.findById(ghost.id)).toBeUndefined();
    });

    it('when a profile is saved, then the locked user shows it with its version', async () => {
      const [user] = await insert(aUser());
      await store.transaction((tx) => tx.saveProfile(user!.id, { displayName: 'New', bio: 'Bio', avatarUrl: 'https://media.test/a.png', profileVersion: 2, updatedAt: new Date() }));
      expect(await store.transaction((tx) => tx.lockUser(user!.id))).toEqual({
        ...user,
        displayName: 'New',
        bio: 'Bio',
        avatarUrl: 'https://media.test/a.png',
        profileVersion: 2,
      });
      expect(await store.transaction((tx) => tx.lockUser('2'))).toBeUndefined();
    });

    it('when a pair is followed twice and unfollowed twice, then only the first of each returns a sequence, the unfollow a larger one', async () => {
      const [a, b] = await insert(aUser(), aUser());
      const followed = await store.follow(aFollow(a!.id, b!.id));
      expect(await store.follow(aFollow(a!.id, b!.id))).toBeUndefined();
      expect(await store.followedAmong(a!.id, [b!.id, '3'])).toEqual(new Set([b!.id]));
      const unfollowed = await store.transaction((tx) => tx.deleteFollow(a!.id, b!.id));
      expect(await store.transaction((tx) => tx.deleteFollow(a!.id, b!.id))).toBeUndefined();
      expect(BigInt(unfollowed!)).toBeGreaterThan(BigInt(followed!));
      expect(await store.followedAmong(a!.id, [b!.id])).toEqual(new Set());
    });

    it('when a follow is new, then its event is written with the sequence it drew; a repeat writes none', async () => {
      const [a, b] = await insert(aUser(), aUser());
      const [first, again] = [aFollow(a!.id, b!.id, new Date('2026-03-01T00:00:00.000Z')), aFollow(a!.id, b!.id)];
      // Another follow first, so this one's sequence is not the stand-in a store may build the event with.
      await store.follow(aFollow(b!.id, a!.id));
      const sequence = await store.follow(first);
      await store.follow(again);
      expect(sequence).toMatch(/^[1-9]\d*$/);
      expect(await emitted(store, first.eventId)).toEqual({ followerId: a!.id, followeeId: b!.id, sequence, followedAt: '2026-03-01T00:00:00.000Z' });
      expect(await emitted(store, again.eventId)).toBeUndefined();
    });

    it("when a follow's event does not carry the sequence it is given, then the store refuses it and writes nothing", async () => {
      const [a, b] = await insert(aUser(), aUser());
      const follow = aFollow(a!.id, b!.id);
      const misplaced = { ...follow, announce: () => follow.announce('9223372036854775807') };
      await expect(store.follow(misplaced)).rejects.toThrow(/payload\.sequence/);
      expect(await store.followedAmong(a!.id, [b!.id])).toEqual(new Set());
      expect(await emitted(store, follow.eventId)).toBeUndefined();
    });

    it('when the follower or the followee is unknown, then USER_NOT_FOUND, and no count moves and no event is written', async () => {
      const [b] = await insert(aUser());
      for (const [follower, followee] of [['4', b!.id], [b!.id, '5']] as const) {
        const follow = aFollow(follower, followee);
        const error: unknown = await store.follow(follow).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DomainError);
        expect(error).toMatchObject({ code: 'USER_NOT_FOUND' });
        expect(await emitted(store, follow.eventId)).toBeUndefined();
      }
      expect(await store.findById(b!.id)).toMatchObject({ followersCount: 0, followingCount: 0 });
    });

    it('when ids repeat in a batch, then each user comes back once', async () => {
      const [user] = await insert(aUser());
      expect(await store.findManyByIds([user!.id, user!.id])).toEqual([user]);
    });

    it('when a display name is not ASCII, then search still matches its start without regard to case', async () => {
      const [user] = await insert(aUser({ displayName: `Ασπασία ${Math.random()}` }));
      expect((await store.searchByPrefix('ΑΣΠ', undefined, 50)).map((u) => u.id)).toContain(user!.id);
    });

    it('when follows and unfollows are made and repeated, then both counts move with each real change only', async () => {
      const [a, b] = await insert(aUser(), aUser());
      await store.follow(aFollow(a!.id, b!.id));
      await store.follow(aFollow(a!.id, b!.id));
      await store.follow(aFollow(b!.id, a!.id));
      expect(await store.findById(a!.id)).toMatchObject({ followingCount: 1, followersCount: 1 });
      await store.transaction((tx) => tx.deleteFollow(a!.id, b!.id));
      await store.transaction((tx) => tx.deleteFollow(a!.id, b!.id));
      expect(await store.findById(a!.id)).toMatchObject({ followingCount: 0, followersCount: 1 });
      expect(await store.findById(b!.id)).toMatchObject({ followingCount: 1, followersCount: 0 });
    });

    it('when an unfollow fails, then its transaction moves no count and the follow stays', async () => {
      const [a, b] = await insert(aUser(), aUser());
      await store.follow(aFollow(a!.id, b!.id));
      const failed = await store
        .transaction(async (tx) => {
          await tx.deleteFollow(a!.id, b!.id);
          throw new Error('the outbox write failed');
        })
        .catch((e: unknown) => e);
      expect(failed).toMatchObject({ message: 'the outbox write failed' });
      expect(await store.findById(b!.id)).toMatchObject({ followersCount: 1 });
      expect(await store.followedAmong(a!.id, [b!.id])).toEqual(new Set([b!.id]));
    });

    it('when a handle is looked up for its id, then any case finds it, found again after, and an unknown one is undefined', async () => {
      const [user] = await insert(aUser({ handle: `Id_Of_${serial}` }));
      expect(await store.idOfHandle(user!.handle.toLowerCase())).toBe(user!.id);
      expect(await store.idOfHandle(user!.handle.toUpperCase())).toBe(user!.id);
      expect(await store.idOfHandle(`nobody_${serial}`)).toBeUndefined();
    });

    it('when listing followers and following, then newest follow first, after the cursor, up to the limit', async () => {
      const [star, x, y, z] = await insert(aUser(), aUser(), aUser(), aUser());
      for (const fan of [x!, y!, z!]) await store.follow(aFollow(fan.id, star!.id));
      const first = await store.listFollowers(star!.id, undefined, 2);
      expect(first.map((e) => e.user.id)).toEqual([z!.id, y!.id]);
      const rest = await store.listFollowers(star!.id, first[1]!.sequence, 2);
      expect(rest.map((e) => e.user.id)).toEqual([x!.id]);
      expect((await store.listFollowing(y!.id, undefined, 5)).map((e) => e.user)).toEqual([{ ...star, followersCount: 3 }]);
    });

    it('when searching by prefix, then handle or display name starts with it in any case, _ is literal, ordered by handle', async () => {
      const tag = `q${Math.floor(Math.random() * 1e6)}`;
      const [first, second, third] = await insert(
        aUser({ handle: `${tag}_b` }),
        aUser({ handle: `z${tag}`, displayName: `${tag.toUpperCase()} Display` }),
        aUser({ handle: `${tag}_a` }),
        aUser({ handle: `${tag}xa` }),
      );
      const page = await store.searchByPrefix(`${tag}_`, undefined, 10);
      expect(page.map((u) => u.handle)).toEqual([third!.handle, first!.handle]);
      const all = await store.searchByPrefix(tag.toUpperCase(), third!.handle.toLowerCase(), 10);
      expect(all.map((u) => u.handle)).toEqual([first!.handle, `${tag}xa`, second!.handle]);
    });

    it('when a refresh token is stored, spent and its session revoked, then each lock shows the state so far', async () => {
      const [user] = await insert(aUser());
      const sessionId = '6f1c2a1e-0000-4000-8000-00000000000a';
      const now = new Date('2026-02-01T00:00:00.000Z');
      const later = new Date('2026-03-01T00:00:00.000Z');
      await store.transaction(async (tx) => {
        await tx.createSession({ id: sessionId, userId: user!.id, createdAt: now, expiresAt: later });
        await tx.addRefreshToken({ hash: 'ab'.repeat(32), sessionId, issuedAt: now, expiresAt: later });
      });
      expect(await store.transaction((tx) => tx.lockRefreshToken('ab'.repeat(32)))).toEqual({
        sessionId,
        userId: user!.id,
        expiresAt: later,
        spentAt: null,
        sessionRevokedAt: null,
        sessionExpiresAt: later,
      });
      await store.transaction((tx) => tx.spendRefreshToken('ab'.repeat(32), now));
      await store.transaction((tx) => tx.revokeSession(sessionId, now, 'logout'));
      expect(await store.transaction((tx) => tx.lockRefreshToken('ab'.repeat(32)))).toMatchObject({ spentAt: now, sessionRevokedAt: now });
      expect(await store.transaction((tx) => tx.lockRefreshToken('cd'.repeat(32)))).toBeUndefined();
    });

    it('when sessions are revoked at different times, then those revoked since a time are listed with it', async () => {
      const [user] = await insert(aUser());
      const at = (minute: number) => new Date(Date.UTC(2026, 1, 2, 0, minute));
      const ids = ['6f1c2a1e-0000-4000-8000-0000000000b1', '6f1c2a1e-0000-4000-8000-0000000000b2', '6f1c2a1e-0000-4000-8000-0000000000b3'];
      await store.transaction(async (tx) => {
        for (const id of ids) await tx.createSession({ id, userId: user!.id, createdAt: at(0), expiresAt: at(600) });
        await tx.revokeSession(ids[0]!, at(10), 'logout');
        await tx.revokeSession(ids[1]!, at(20), 'refresh_token_reuse');
      });
      const listed = (await store.listSessionsRevokedSince(at(15))).filter((session) => ids.includes(session.sessionId));
      expect(listed).toEqual([{ sessionId: ids[1], revokedAt: at(20) }]);
      const all = (await store.listSessionsRevokedSince(at(10))).filter((session) => ids.includes(session.sessionId));
      expect(all.map((session) => session.sessionId).sort()).toEqual([ids[0], ids[1]]);
    });

    describe('tweet tallies', () => {
      let tweetSerial = 900;
      /** A tweet no other test has heard of: the store lives as long as the suite. */
      const aTweetId = () => String((tweetSerial += 1));
      const tweetCountOf = async (user: User) => (await store.findById(user.id))?.tweetCount;

      it('when a creation is heard twice, then the count rises once; when its deletion is heard twice, then it falls once', async () => {
        const [author] = await insert(aUser());
        const tweetId = aTweetId();
        await store.recordTweetCreated(tweetId, author!.id);
        await store.recordTweetCreated(tweetId, author!.id);
        expect(await tweetCountOf(author!)).toBe(1);
        await store.recordTweetDeleted(tweetId, author!.id);
        await store.recordTweetDeleted(tweetId, author!.id);
        expect(await tweetCountOf(author!)).toBe(0);
      });

      it('when the deletion comes before the creation, then the tweet never counts, however often either repeats', async () => {
        const [author] = await insert(aUser());
        const tweetId = aTweetId();
        await store.recordTweetDeleted(tweetId, author!.id);
        expect(await tweetCountOf(author!)).toBe(0);
        await store.recordTweetCreated(tweetId, author!.id);
        await store.recordTweetCreated(tweetId, author!.id);
        await store.recordTweetDeleted(tweetId, author!.id);
        expect(await tweetCountOf(author!)).toBe(0);
      });

      it('when tweets of two authors are heard, then each count moves only with its own tweets that are created and not deleted', async () => {
        const [author, other] = await insert(aUser(), aUser());
        const [kept, gone, early] = [aTweetId(), aTweetId(), aTweetId()];
        await store.recordTweetCreated(kept, author!.id);
        await store.recordTweetCreated(gone, author!.id);
        await store.recordTweetDeleted(early, author!.id);
        await store.recordTweetCreated(aTweetId(), other!.id);
        await store.recordTweetDeleted(gone, author!.id);
        await store.recordTweetCreated(early, author!.id);
        expect(await tweetCountOf(author!)).toBe(1);
        expect(await tweetCountOf(other!)).toBe(1);
      });

      it('when creations and deletions of the same tweets race, each twice, then every tweet ends uncounted and the count at zero', async () => {
        const [author] = await insert(aUser());
        const tweetIds = Array.from({ length: 10 }, aTweetId);
        await Promise.all(
          tweetIds.flatMap((tweetId) => [
            store.recordTweetCreated(tweetId, author!.id),
            store.recordTweetDeleted(tweetId, author!.id),
            store.recordTweetCreated(tweetId, author!.id),
            store.recordTweetDeleted(tweetId, author!.id),
          ]),
        );
        expect(await tweetCountOf(author!)).toBe(0);
        await Promise.all(tweetIds.map((tweetId) => store.recordTweetCreated(tweetId, author!.id)));
        expect(await tweetCountOf(author!)).toBe(0);
      });

      it('when creations of the same tweets race, each twice, then each counts once', async () => {
        const [author] = await insert(aUser());
        const tweetIds = Array.from({ length: 10 }, aTweetId);
        await Promise.all(tweetIds.flatMap((tweetId) => [store.recordTweetCreated(tweetId, author!.id), store.recordTweetCreated(tweetId, author!.id)]));
        expect(await tweetCountOf(author!)).toBe(10);
      });
    });
  });
}
