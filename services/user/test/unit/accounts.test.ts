import { DomainError } from '@chirp/kernel/errors';
import { describe, expect, it } from 'vitest';
import { aUserService, cheapHasher } from '../fakes/fake-ports.ts';

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a DomainError, but the call succeeded');
};

describe('registration', () => {
  it('when the input is valid, then the user exists with the display name defaulted to the handle, and one event is emitted', async () => {
    const service = aUserService();
    const user = await service.registerUser({ handle: 'Ada_L', password: 'correct horse' });
    expect(user).toMatchObject({ handle: 'Ada_L', displayName: 'Ada_L', bio: '', followersCount: 0, followingCount: 0, tweetCount: 0 });
    expect(await service.ports.users.findByHandle('ada_l')).toEqual(user);
    expect(service.ports.users.events.map((e) => [e.type, e.payload])).toEqual([
      ['user.registered', { userId: user.id, handle: 'Ada_L', displayName: 'Ada_L', bio: '', profileVersion: 1, createdAt: user.createdAt.toISOString() }],
    ]);
  });

  it('when the handle is taken in another case, then HANDLE_TAKEN and nothing more is emitted', async () => {
    const service = aUserService();
    await service.registerUser({ handle: 'grace', password: 'password1' });
    expect(await codeOf(service.registerUser({ handle: 'GRACE', password: 'password2' }))).toBe('HANDLE_TAKEN');
    expect(service.ports.users.events).toHaveLength(1);
  });

  it.each([
    [{ handle: 'ab', password: 'password1' }, 'INVALID_HANDLE'],
    [{ handle: 'has-dash', password: 'password1' }, 'INVALID_HANDLE'],
    [{ handle: 'okay', password: 'short' }, 'PASSWORD_TOO_SHORT'],
    [{ handle: 'okay', password: 'x'.repeat(129) }, 'PASSWORD_TOO_LONG'],
    [{ handle: 'okay', password: 'password1', displayName: '   ' }, 'INVALID_DISPLAY_NAME'],
  ])('when registering with %j, then %s', async (command, code) => {
    const service = aUserService();
    expect(await codeOf(service.registerUser(command))).toBe(code);
    expect(service.ports.users.events).toHaveLength(0);
  });
});

describe('login', () => {
  it('when the password is right, then it answers tokens for a new session and the user', async () => {
    const service = aUserService();
    const user = await service.registerUser({ handle: 'linus', password: 'password1' });
    const signedIn = await service.logIn({ handle: 'LINUS', password: 'password1' });
    expect(signedIn).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: user.id } });
    expect(await service.ports.issuer.read(signedIn.accessToken)).toMatchObject({ userId: user.id, handle: 'linus' });
    expect(signedIn.refreshToken).not.toBe('');
  });

  it('when the handle is unknown or the password wrong, then the same INVALID_CREDENTIALS, and the unknown handle still costs a hash', async () => {
    const hasher = cheapHasher();
    const service = aUserService({ hasher });
    await service.registerUser({ handle: 'linus', password: 'password1' });
    expect(await codeOf(service.logIn({ handle: 'linus', password: 'wrong-password' }))).toBe('INVALID_CREDENTIALS');
    expect(await codeOf(service.logIn({ handle: 'nobody', password: 'password1' }))).toBe('INVALID_CREDENTIALS');
    expect(await codeOf(service.logIn({ handle: 'not a handle!', password: 'password1' }))).toBe('INVALID_CREDENTIALS');
    expect(hasher.burned).toBe(2);
  });

  it('when the stored hash used weaker parameters, then login upgrades it', async () => {
    const service = aUserService({ hasher: cheapHasher({ cost: 1 }) });
    await service.registerUser({ handle: 'linus', password: 'password1' });
    const stronger = aUserService({ users: service.ports.users, hasher: cheapHasher({ cost: 2 }) });
    const weak = (await service.ports.users.findCredentials('linus'))?.passwordHash;
    await stronger.logIn({ handle: 'linus', password: 'password1' });
    const upgraded = (await service.ports.users.findCredentials('linus'))!.passwordHash;
    expect(upgraded).not.toBe(weak);
    expect(await stronger.ports.hasher.verify('password1', upgraded)).toEqual({ valid: true, needsRehash: false });
  });
});

describe('refresh and logout', () => {
  async function signedInService() {
    const service = aUserService();
    await service.registerUser({ handle: 'margaret', password: 'password1' });
    return { service, first: await service.logIn({ handle: 'margaret', password: 'password1' }) };
  }

  it('when a refresh token is spent, then a different one comes back, and that one works in turn', async () => {
    const { service, first } = await signedInService();
    const second = await service.refreshSession({ refreshToken: first.refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await service.refreshSession({ refreshToken: second.refreshToken })).toMatchObject({ tokenType: 'Bearer' });
  });

  it('when a spent refresh token is presented again, then REFRESH_TOKEN_REUSED and every token of the session stops working', async () => {
    const { service, first } = await signedInService();
    const second = await service.refreshSession({ refreshToken: first.refreshToken });
    expect(await codeOf(service.refreshSession({ refreshToken: first.refreshToken }))).toBe('REFRESH_TOKEN_REUSED');
    expect(await codeOf(service.refreshSession({ refreshToken: second.refreshToken }))).toBe('SESSION_REVOKED');
    const { sessionId } = await service.ports.issuer.read(first.accessToken);
    expect(service.ports.users.sessionOf(sessionId)?.revokedReason).toBe('refresh_token_reuse');
  });

  it('when the refresh token expired, then REFRESH_TOKEN_EXPIRED; an unknown one is INVALID_REFRESH_TOKEN', async () => {
    const { service, first } = await signedInService();
    service.ports.clock.advance(31 * 24 * 3600);
    expect(await codeOf(service.refreshSession({ refreshToken: first.refreshToken }))).toBe('REFRESH_TOKEN_EXPIRED');
    expect(await codeOf(service.refreshSession({ refreshToken: 'never-issued' }))).toBe('INVALID_REFRESH_TOKEN');
  });

  it('when the user logs out, then the session is revoked, and logging out again is not an error', async () => {
    const { service, first } = await signedInService();
    await service.logOut({ refreshToken: first.refreshToken });
    await service.logOut({ refreshToken: first.refreshToken });
    await service.logOut({ refreshToken: 'never-issued' });
    expect(await codeOf(service.refreshSession({ refreshToken: first.refreshToken }))).toBe('SESSION_REVOKED');
  });

  it('when the user logs out, then the session is announced revoked to the gateways, at the time it was revoked, again on a repeat', async () => {
    const { service, first } = await signedInService();
    const { sessionId } = await service.ports.issuer.read(first.accessToken);
    const revokedAt = service.ports.clock.now();
    await service.logOut({ refreshToken: first.refreshToken });
    service.ports.clock.advance(30);
    await service.logOut({ refreshToken: first.refreshToken });
    await service.logOut({ refreshToken: 'never-issued' });
    expect(service.ports.revocations.announced).toEqual([
      { sessionId, revokedAt },
      { sessionId, revokedAt },
    ]);
  });

  it('when a spent refresh token is presented again, then the session is announced revoked; a plain refresh announces nothing', async () => {
    const { service, first } = await signedInService();
    await service.refreshSession({ refreshToken: first.refreshToken });
    expect(service.ports.revocations.announced).toEqual([]);
    await codeOf(service.refreshSession({ refreshToken: first.refreshToken }));
    const { sessionId } = await service.ports.issuer.read(first.accessToken);
    expect(service.ports.revocations.announced).toEqual([{ sessionId, revokedAt: service.ports.clock.now() }]);
  });
});

describe('profiles', () => {
  it('when display name and bio change, then the profile version rises and one user.updated event carries it', async () => {
    const service = aUserService();
    const user = await service.registerUser({ handle: 'alan', password: 'password1' });
    const updated = await service.updateProfile({ userId: user.id, displayName: '  Alan T. ', bio: 'Codes.' });
    expect(updated).toMatchObject({ displayName: 'Alan T.', bio: 'Codes.' });
    expect(await service.getUser({ handle: 'ALAN' })).toMatchObject({ displayName: 'Alan T.', bio: 'Codes.' });
    expect(service.ports.users.events.at(-1)).toMatchObject({ type: 'user.updated', payload: { profileVersion: 2, displayName: 'Alan T.' } });
  });

  it('when an avatar URL is set, then every read of the user has it and user.updated carries it; a new user has none; a non-http one is INVALID_AVATAR_URL', async () => {
    const service = aUserService();
    const user = await service.registerUser({ handle: 'grace', password: 'password1' });
    expect(user.avatarUrl).toBeNull();
    const url = 'http://127.0.0.1:14566/chirp-media/media/1/2.png';
    expect(await service.updateProfile({ userId: user.id, avatarUrl: url })).toMatchObject({ avatarUrl: url, displayName: 'grace' });
    expect((await service.getUser({ handle: 'grace' })).avatarUrl).toBe(url);
    expect((await service.getUsersByIds([user.id]))[0]?.avatarUrl).toBe(url);
    expect(service.ports.users.events.at(-1)).toMatchObject({ type: 'user.updated', payload: { avatarUrl: url, profileVersion: 2 } });
    expect(await codeOf(service.updateProfile({ userId: user.id, avatarUrl: 'javascript:alert(1)' }))).toBe('INVALID_AVATAR_URL');
  });

  it('when nothing changes, then no event; when the bio is too long, then BIO_TOO_LONG', async () => {
    const service = aUserService();
    const user = await service.registerUser({ handle: 'alan', password: 'password1' });
    await service.updateProfile({ userId: user.id, displayName: 'alan' });
    expect(service.ports.users.events).toHaveLength(1);
    expect(await codeOf(service.updateProfile({ userId: user.id, bio: 'b'.repeat(161) }))).toBe('BIO_TOO_LONG');
    expect(await codeOf(service.updateProfile({ userId: '42', bio: 'hi' }))).toBe('USER_NOT_FOUND');
  });

  it('when users are fetched by ids, then the known ones come back once each, in the order asked', async () => {
    const service = aUserService();
    const a = await service.registerUser({ handle: 'aaa', password: 'password1' });
    const b = await service.registerUser({ handle: 'bbb', password: 'password1' });
    const users = await service.getUsersByIds([b.id, '123', a.id, b.id]);
    expect(users.map((u) => u.handle)).toEqual(['bbb', 'aaa']);
  });

  it('when an unknown handle is looked up, then USER_NOT_FOUND', async () => {
    expect(await codeOf(aUserService().getUser({ handle: 'ghost' }))).toBe('USER_NOT_FOUND');
  });
});

describe('tweet counts from tweet events', () => {
  it('when created twice and deleted twice, in any order, then the count ends where one create and one delete leave it', async () => {
    const service = aUserService();
    const user = await service.registerUser({ handle: 'poster', password: 'password1' });
    const created = { tweetId: '11', authorId: user.id, fact: 'created' as const };
    await service.recordTweetFact(created);
    await service.recordTweetFact(created);
    await service.recordTweetFact({ tweetId: '12', authorId: user.id, fact: 'created' });
    expect((await service.getUser({ id: user.id })).tweetCount).toBe(2);
    await service.recordTweetFact({ tweetId: '13', authorId: user.id, fact: 'deleted' });
    await service.recordTweetFact({ tweetId: '13', authorId: user.id, fact: 'created' });
    await service.recordTweetFact({ ...created, fact: 'deleted' });
    await service.recordTweetFact({ ...created, fact: 'deleted' });
    expect((await service.getUser({ id: user.id })).tweetCount).toBe(1);
  });
});
