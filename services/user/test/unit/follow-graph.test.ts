import { describe, expect, it } from 'vitest';
import { aUserService } from '../fakes/fake-ports.ts';

async function withUsers(handles: string[]) {
  const service = aUserService();
  const users = [];
  for (const handle of handles) users.push(await service.registerUser({ handle, password: 'password1' }));
  return { service, users };
}

describe('follow and unfollow', () => {
  it('when a user follows twice, then one follow, counts of one, and one event with both ids and a sequence', async () => {
    const { service, users } = await withUsers(['ann', 'bob']);
    const [ann, bob] = users as [(typeof users)[0], (typeof users)[0]];
    await service.followUser({ followerId: ann.id, followeeHandle: 'BOB' });
    await service.followUser({ followerId: ann.id, followeeHandle: 'bob' });
    expect((await service.getUser({ id: ann.id })).followingCount).toBe(1);
    expect((await service.getUser({ id: bob.id })).followersCount).toBe(1);
    const follows = service.ports.users.events.filter((e) => e.type === 'user.followed');
    expect(follows).toHaveLength(1);
    expect(follows[0]!.payload).toMatchObject({ followerId: ann.id, followeeId: bob.id, sequence: expect.stringMatching(/^[1-9]\d*$/) });
  });

  it('when a user unfollows twice, then counts return to zero and one unfollow event with a later sequence', async () => {
    const { service, users } = await withUsers(['ann', 'bob']);
    await service.followUser({ followerId: users[0]!.id, followeeHandle: 'bob' });
    await service.unfollowUser({ followerId: users[0]!.id, followeeHandle: 'bob' });
    await service.unfollowUser({ followerId: users[0]!.id, followeeHandle: 'bob' });
    expect((await service.getUser({ id: users[1]!.id })).followersCount).toBe(0);
    const [followed, unfollowed] = service.ports.users.events.filter((e) => e.type.startsWith('user.') && e.type.includes('follow'));
    expect(unfollowed?.type).toBe('user.unfollowed');
    expect(BigInt((unfollowed!.payload as { sequence: string }).sequence)).toBeGreaterThan(BigInt((followed!.payload as { sequence: string }).sequence));
  });

  it('when a user follows themself, then CANNOT_FOLLOW_SELF; an unknown handle is USER_NOT_FOUND', async () => {
    const { service, users } = await withUsers(['ann']);
    await expect(service.followUser({ followerId: users[0]!.id, followeeHandle: 'ANN' })).rejects.toMatchObject({ code: 'CANNOT_FOLLOW_SELF' });
    await expect(service.unfollowUser({ followerId: users[0]!.id, followeeHandle: 'ghost' })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await expect(service.followUser({ followerId: users[0]!.id, followeeHandle: 'ghost' })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });
});

describe('follower lists', () => {
  it('when paged two at a time, then newest follow first, every follower once, and a null cursor at the end', async () => {
    const { service, users } = await withUsers(['star', 'fan1', 'fan2', 'fan3', 'fan4', 'fan5']);
    for (const fan of users.slice(1)) await service.followUser({ followerId: fan.id, followeeHandle: 'star' });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.listFollows({ direction: 'followers', handle: 'star', limit: 2, cursor });
      seen.push(...page.data.map((u) => u.handle));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['fan5', 'fan4', 'fan3', 'fan2', 'fan1']);
  });

  it('when a follow lands while a client pages, then the next page neither repeats nor skips', async () => {
    const { service, users } = await withUsers(['star', 'fan1', 'fan2', 'fan3', 'late']);
    for (const fan of users.slice(1, 4)) await service.followUser({ followerId: fan.id, followeeHandle: 'star' });
    const first = await service.listFollows({ direction: 'followers', handle: 'star', limit: 2 });
    await service.followUser({ followerId: users[4]!.id, followeeHandle: 'star' });
    const second = await service.listFollows({ direction: 'followers', handle: 'star', limit: 2, cursor: first.nextCursor! });
    expect([...first.data, ...second.data].map((u) => u.handle)).toEqual(['fan3', 'fan2', 'fan1']);
  });

  it('when a viewer is given, then each user says whether the viewer follows them', async () => {
    const { service, users } = await withUsers(['star', 'fan1', 'fan2', 'viewer']);
    const [, f1, f2, viewer] = users;
    for (const fan of [f1!, f2!]) await service.followUser({ followerId: fan.id, followeeHandle: 'star' });
    await service.followUser({ followerId: viewer!.id, followeeHandle: 'fan1' });
    const page = await service.listFollows({ direction: 'followers', handle: 'star', limit: 10, viewerId: viewer!.id });
    expect(page.data.map((u) => [u.handle, u.following])).toEqual([
      ['fan2', false],
      ['fan1', true],
    ]);
    const following = await service.listFollows({ direction: 'following', handle: 'viewer', limit: 10 });
    expect(following.data.map((u) => u.handle)).toEqual(['fan1']);
  });

  it('when the cursor is forged, then INVALID_CURSOR', async () => {
    const { service } = await withUsers(['star']);
    for (const cursor of ['not-base64-json', Buffer.from('["abc"]').toString('base64url'), Buffer.from('[1]').toString('base64url')]) {
      await expect(service.listFollows({ direction: 'followers', handle: 'star', limit: 2, cursor })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    }
  });
});

describe('user search', () => {
  it('when searching, then handles and display names match on their start, without regard to case, paged by handle', async () => {
    const service = aUserService();
    await service.registerUser({ handle: 'robert', password: 'password1' });
    await service.registerUser({ handle: 'xavier', password: 'password1', displayName: 'Rob X' });
    await service.registerUser({ handle: 'bob_ro', password: 'password1' });
    await service.registerUser({ handle: 'Rosa', password: 'password1' });
    const first = await service.searchUsers({ q: 'RO', limit: 2 });
    expect(first.data.map((u) => u.handle)).toEqual(['robert', 'Rosa']);
    const second = await service.searchUsers({ q: 'ro', limit: 2, cursor: first.nextCursor! });
    expect(second).toMatchObject({ data: [{ handle: 'xavier' }], nextCursor: null });
  });

  it('when the query is blank or over 100 characters, then INVALID_SEARCH_QUERY', async () => {
    const service = aUserService();
    await expect(service.searchUsers({ q: '   ', limit: 2 })).rejects.toMatchObject({ code: 'INVALID_SEARCH_QUERY' });
    await expect(service.searchUsers({ q: 'a'.repeat(101), limit: 2 })).rejects.toMatchObject({ code: 'INVALID_SEARCH_QUERY' });
  });
});
