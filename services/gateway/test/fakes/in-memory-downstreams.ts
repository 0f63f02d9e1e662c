// The services behind the gateway as one in-memory model, answering as the real services do
// (downstreams.contract.ts holds both to the same suite). Events settle at once: a follow
// notifies and a post reaches homes before the call returns. Of notifications, follows and
// likes are modelled.
import type { MediaJson, NotificationJson, TweetJson, UserJson } from '@chirp/kernel/api-v1';
import { DomainError, userNotFound } from '@chirp/kernel/errors';
import type { Page } from '@chirp/kernel/pagination';
import type { Downstreams } from '../contract/downstreams.contract.ts';

interface StoredUser {
  user: Omit<UserJson, 'following'>;
  password: string;
}

const fail = (kind: ConstructorParameters<typeof DomainError>[0], code: string) => new DomainError(kind, code, code);
const byIdDesc = (a: { id: string }, b: { id: string }) => (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0);

/** Items after the cursor (the last key of the previous page), `limit` of them, and the next cursor. */
function pageOf<T>(items: readonly T[], request: { limit: number; cursor?: string }, keyOf: (item: T) => string): Page<T> {
  const start = request.cursor === undefined ? 0 : items.findIndex((item) => keyOf(item) === request.cursor) + 1;
  const data = items.slice(start, start + request.limit);
  const more = start + request.limit < items.length;
  return { data, nextCursor: more && data.length > 0 ? keyOf(data.at(-1)!) : null };
}

export function createInMemoryDownstreams(options: { highFollowerThreshold: number }): Downstreams {
  let lastId = 400_000_000_000_000_000n;
  const nextId = () => String((lastId += 1n));
  const now = () => new Date().toISOString();
  const users = new Map<string, StoredUser>();
  const byHandle = new Map<string, string>();
  /** follower → followee → follow id (newest follow first in lists). */
  const follows = new Map<string, Map<string, string>>();
  const sessions = new Map<string, { userId: string; revoked: boolean }>();
  const refreshTokens = new Map<string, { sessionId: string; spent: boolean }>();
  const tweets = new Map<string, { tweet: Omit<TweetJson, 'likedByMe'>; likes: Set<string>; deleted: boolean; idempotencyKey: string | undefined }>();
  const notifications = new Map<string, NotificationJson[]>();
  const readUpTo = new Map<string, bigint>();
  const merged = new Set<string>();
  const media = new Map<string, { ownerId: string; media: MediaJson }>();
  const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

  const stored = (id: string) => {
    const found = users.get(id);
    if (!found) throw userNotFound();
    return found;
  };
  const idOfHandle = (handle: string) => {
    const id = byHandle.get(handle.toLowerCase());
    if (id === undefined) throw userNotFound();
    return id;
  };
  const isFollowing = (followerId: string, followeeId: string) => follows.get(followerId)?.has(followeeId) ?? false;
  const followersOf = (userId: string) =>
    [...follows.entries()].flatMap(([followerId, followees]) => (followees.has(userId) ? [{ id: followerId, at: followees.get(userId)! }] : []));
  const viewed = (id: string, viewerId: string | undefined): UserJson => {
    const user = { ...stored(id).user, followersCount: followersOf(id).length, followingCount: follows.get(id)?.size ?? 0 };
    user.tweetCount = [...tweets.values()].filter((entry) => !entry.deleted && entry.tweet.author.id === id).length;
    return viewerId === undefined ? user : { ...user, following: isFollowing(viewerId, id) };
  };
  const live = (tweetId: string) => {
    const entry = tweets.get(tweetId);
    if (!entry || entry.deleted) throw fail('not_found', 'TWEET_NOT_FOUND');
    return entry;
  };
  const tweetView = (tweetId: string, viewerId: string | undefined): TweetJson => {
    const entry = live(tweetId);
    const replyCount = [...tweets.values()].filter((other) => !other.deleted && other.tweet.replyToId === tweetId).length;
    const tweet = { ...entry.tweet, likeCount: entry.likes.size, replyCount };
    return viewerId === undefined ? tweet : { ...tweet, likedByMe: entry.likes.has(viewerId) };
  };
  const liveTweets = (keep: (tweet: Omit<TweetJson, 'likedByMe'>) => boolean) =>
    [...tweets.values()].filter((entry) => !entry.deleted && keep(entry.tweet)).map((entry) => entry.tweet).sort(byIdDesc);
  const notify = (recipientId: string, type: NotificationJson['type'], actorId: string, tweet: TweetJson | null) => {
    const actor = stored(actorId).user;
    const list = notifications.get(recipientId) ?? [];
    list.unshift({ id: nextId(), type, createdAt: now(), read: false, actor: { id: actor.id, handle: actor.handle, displayName: actor.displayName, avatarUrl: null }, tweet });
    notifications.set(recipientId, list);
  };
  const notificationsOf = (userId: string) => (notifications.get(userId) ?? []).map((n) => ({ ...n, read: BigInt(n.id) <= (readUpTo.get(userId) ?? 0n) }));
  const signIn = (userId: string, sessionId: string) => {
    const refreshToken = `refresh-${nextId()}`;
    refreshTokens.set(refreshToken, { sessionId, spent: false });
    return { accessToken: `access-${sessionId}`, refreshToken, tokenType: 'Bearer' as const, expiresIn: 900, user: viewed(userId, undefined) };
  };

  return {
    highFollowerThreshold: options.highFollowerThreshold,
    users: {
      async register({ handle, password, displayName }) {
        if (byHandle.has(handle.toLowerCase())) throw fail('conflict', 'HANDLE_TAKEN');
        const id = nextId();
        users.set(id, { user: { id, handle, displayName: displayName ?? handle, bio: '', createdAt: now(), followersCount: 0, followingCount: 0, tweetCount: 0, avatarUrl: null }, password });
        byHandle.set(handle.toLowerCase(), id);
        return viewed(id, undefined);
      },
      async logIn({ handle, password }) {
        const id = byHandle.get(handle.toLowerCase());
        if (id === undefined || stored(id).password !== password) throw fail('unauthenticated', 'INVALID_CREDENTIALS');
        const sessionId = nextId();
        sessions.set(sessionId, { userId: id, revoked: false });
        return signIn(id, sessionId);
      },
      async refresh(refreshToken) {
        const token = refreshTokens.get(refreshToken);
        if (!token) throw fail('unauthenticated', 'INVALID_REFRESH_TOKEN');
        const session = sessions.get(token.sessionId)!;
        if (session.revoked) throw fail('unauthenticated', 'SESSION_REVOKED');
        if (token.spent) {
          session.revoked = true;
          throw fail('unauthenticated', 'REFRESH_TOKEN_REUSED');
        }
        token.spent = true;
        return signIn(session.userId, token.sessionId);
      },
      async logOut(refreshToken) {
        const token = refreshTokens.get(refreshToken);
        if (token) sessions.get(token.sessionId)!.revoked = true;
      },
      getById: async (userId, viewerId) => viewed(userId, viewerId),
      getByHandle: async (handle, viewerId) => viewed(idOfHandle(handle), viewerId),
      async updateProfile(userId, changes) {
        const user = stored(userId).user;
        Object.assign(user, changes);
        return viewed(userId, undefined);
      },
      async listFollows(direction, handle, request, viewerId) {
        const id = idOfHandle(handle);
        const rows = direction === 'followers' ? followersOf(id) : [...(follows.get(id) ?? new Map<string, string>()).entries()].map(([followeeId, at]) => ({ id: followeeId, at }));
        const newestFirst = rows.sort((a, b) => byIdDesc({ id: a.at }, { id: b.at }));
        const page = pageOf(newestFirst, request, (row) => row.at);
        return { data: page.data.map((row) => viewed(row.id, viewerId)), nextCursor: page.nextCursor };
      },
      async follow(followerId, followeeHandle) {
        const followeeId = idOfHandle(followeeHandle);
        if (followeeId === followerId) throw fail('invalid', 'CANNOT_FOLLOW_SELF');
        const followees = follows.get(followerId) ?? new Map<string, string>();
        follows.set(followerId, followees);
        if (followees.has(followeeId)) return;
        followees.set(followeeId, nextId());
        notify(followeeId, 'follow', followerId, null);
      },
      async unfollow(followerId, followeeHandle) {
        follows.get(followerId)?.delete(idOfHandle(followeeHandle));
      },
      async search(q, request, viewerId) {
        const prefix = q.trim().replace(/^@/, '').toLowerCase();
        const found = [...users.values()]
          .map(({ user }) => user)
          .filter((user) => user.handle.toLowerCase().startsWith(prefix) || user.displayName.toLowerCase().startsWith(prefix))
          .sort((a, b) => a.handle.toLowerCase().localeCompare(b.handle.toLowerCase()));
        const page = pageOf(found, request, (user) => user.handle.toLowerCase());
        return { data: page.data.map((user) => viewed(user.id, viewerId)), nextCursor: page.nextCursor };
      },
    },
    tweets: {
      async post({ authorId, authorHandle, text, replyToId, idempotencyKey }) {
        const repeat = [...tweets.values()].find((entry) => idempotencyKey !== undefined && entry.idempotencyKey === idempotencyKey && entry.tweet.author.id === authorId);
        if (repeat) return { tweet: tweetView(repeat.tweet.id, undefined), replayed: true };
        if (replyToId !== undefined && (!tweets.has(replyToId) || tweets.get(replyToId)!.deleted)) throw fail('not_found', 'REPLY_TARGET_NOT_FOUND');
        const id = nextId();
        const hashtags = [...text.matchAll(/#(\w+)/g)].map((match) => match[1]!.toLowerCase());
        const mentions = [...text.matchAll(/@(\w+)/g)].map((match) => match[1]!);
        const author = { id: authorId, handle: authorHandle, displayName: users.get(authorId)?.user.displayName ?? authorHandle };
        tweets.set(id, { tweet: { id, text, createdAt: now(), author, replyToId: replyToId ?? null, likeCount: 0, replyCount: 0, hashtags, mentions, media: [] }, likes: new Set(), deleted: false, idempotencyKey });
        if (followersOf(authorId).length >= options.highFollowerThreshold) merged.add(authorId);
        return { tweet: tweetView(id, undefined), replayed: false };
      },
      get: async (tweetId, viewerId) => tweetView(tweetId, viewerId),
      async delete(tweetId, callerId) {
        const entry = live(tweetId);
        if (entry.tweet.author.id !== callerId) throw fail('forbidden', 'NOT_TWEET_AUTHOR');
        entry.deleted = true;
      },
      async like(tweetId, userId) {
        const entry = live(tweetId);
        if (entry.likes.has(userId)) return;
        entry.likes.add(userId);
        if (entry.tweet.author.id !== userId) notify(entry.tweet.author.id, 'like', userId, tweetView(tweetId, undefined));
      },
      async unlike(tweetId, userId) {
        live(tweetId).likes.delete(userId);
      },
      async listByAuthor(authorId, request, viewerId) {
        const page = pageOf(liveTweets((tweet) => tweet.author.id === authorId), request, (tweet) => tweet.id);
        return { data: page.data.map((tweet) => tweetView(tweet.id, viewerId)), nextCursor: page.nextCursor };
      },
      async listReplies(tweetId, request, viewerId) {
        live(tweetId);
        const page = pageOf(liveTweets((tweet) => tweet.replyToId === tweetId), request, (tweet) => tweet.id);
        return { data: page.data.map((tweet) => tweetView(tweet.id, viewerId)), nextCursor: page.nextCursor };
      },
      async search(q, request, viewerId) {
        const terms = q.trim().toLowerCase().split(/\s+/);
        const words = (text: string) => new Set(text.toLowerCase().split(/[^\p{L}\p{N}_#]+/u));
        const matches = (tweet: Omit<TweetJson, 'likedByMe'>) =>
          terms.every((term) => (term.startsWith('#') ? tweet.hashtags.includes(term.slice(1)) : words(tweet.text).has(term) || tweet.hashtags.includes(term)));
        const page = pageOf(liveTweets(matches), request, (tweet) => tweet.id);
        return { data: page.data.map((tweet) => tweetView(tweet.id, viewerId)), nextCursor: page.nextCursor };
      },
    },
    media: {
      async requestUpload(ownerId, { contentType, size }) {
        if (!IMAGE_TYPES.includes(contentType)) throw fail('invalid', 'MEDIA_TYPE_UNSUPPORTED');
        const id = nextId();
        const stored: MediaJson = { id, type: 'image', contentType, size, status: 'pending', url: null, width: null, height: null };
        media.set(id, { ownerId, media: stored });
        return { media: { ...stored }, upload: { url: 'http://uploads.invalid/chirp-media', fields: { key: `media/${id}` }, expiresAt: new Date(Date.now() + 900_000).toISOString() } };
      },
      async get(ownerId, mediaId) {
        const found = media.get(mediaId);
        if (found?.ownerId !== ownerId) throw fail('not_found', 'MEDIA_NOT_FOUND');
        return { ...found.media };
      },
      // No bytes ever arrive here, so no media becomes ready: as the tweet service, only its owner's ready media may be an avatar.
      async useAsAvatar(ownerId, mediaId) {
        const found = media.get(mediaId);
        if (found?.ownerId !== ownerId || found.media.status !== 'ready') throw fail('invalid', 'INVALID_MEDIA');
        return { ...found.media };
      },
    },
    timelines: {
      async readHome(readerId, request) {
        const page = pageOf(liveTweets((tweet) => tweet.author.id === readerId || isFollowing(readerId, tweet.author.id)), request, (tweet) => tweet.id);
        return { data: page.data.map((tweet) => tweetView(tweet.id, readerId)), nextCursor: page.nextCursor };
      },
    },
    notifications: {
      async list(userId, request) {
        const types = request.types?.split(',');
        return pageOf(
          notificationsOf(userId).filter((n) => types === undefined || types.includes(n.type)),
          request,
          (n) => n.id,
        );
      },
      unreadCount: async (userId) => ({ count: notificationsOf(userId).filter((n) => !n.read).length }),
      async markRead(userId, upToId) {
        if (BigInt(upToId) > (readUpTo.get(userId) ?? 0n)) readUpTo.set(userId, BigInt(upToId));
      },
      async missed(userId, afterId, limit) {
        const after = notificationsOf(userId)
          .filter((n) => BigInt(n.id) > BigInt(afterId))
          .reverse();
        const data = after.slice(0, limit);
        return { data, nextAfter: after.length > limit ? data.at(-1)!.id : null };
      },
    },
    mergedAuthors: {
      followedBy: async (userId) => [...merged].filter((authorId) => isFollowing(userId, authorId)),
    },
  };
}
