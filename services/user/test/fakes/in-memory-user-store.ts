// The user store in memory, for unit and HTTP tests; test/contract keeps it honest against Postgres.
import type { EventEnvelope } from '@chirp/kernel/events';
import type { TweetFact } from '../../src/domain/tweet-tally.ts';
import { handleKey, type User } from '../../src/domain/user.ts';
import { userNotFound } from '@chirp/kernel/errors';
import { handleTaken } from '../../src/domain/user-errors.ts';
import type { StoredRefreshToken, UserStore, UserTransaction } from '../../src/use-cases/ports.ts';

interface State {
  users: Map<string, { user: User; passwordHash: string; profileVersion: number }>;
  follows: Map<string, { followerId: string; followeeId: string; sequence: bigint }>;
  sessions: Map<string, { userId: string; expiresAt: Date; revokedAt: Date | null; revokedReason: string | null }>;
  refreshTokens: Map<string, { sessionId: string; expiresAt: Date; spentAt: Date | null }>;
  tallies: Map<string, { authorId: string; created: boolean; deleted: boolean }>;
  events: EventEnvelope[];
  sequence: bigint;
}

const pairKey = (followerId: string, followeeId: string) => `${followerId}>${followeeId}`;
const bySequenceDesc = (a: { sequence: bigint }, b: { sequence: bigint }) => (a.sequence > b.sequence ? -1 : a.sequence < b.sequence ? 1 : 0);
const copyUser = (user: User): User => ({ ...user, createdAt: new Date(user.createdAt) });

export interface InMemoryUserStore extends UserStore {
  /** Events committed so far, oldest first (what the outbox would hold). */
  readonly events: readonly EventEnvelope[];
  sessionOf(sessionId: string): { revokedAt: Date | null; revokedReason: string | null } | undefined;
}

export function createInMemoryUserStore(): InMemoryUserStore {
  let state: State = {
    users: new Map(),
    follows: new Map(),
    sessions: new Map(),
    refreshTokens: new Map(),
    tallies: new Map(),
    events: [],
    sequence: 0n,
  };
  // Transactions run one at a time, as if each held every lock; a throw restores the state before it.
  let queue: Promise<unknown> = Promise.resolve();

  const findByHandle = (handle: string) => [...state.users.values()].find((entry) => handleKey(entry.user.handle) === handleKey(handle));
  const moveCounts = (followerId: string, followeeId: string, delta: 1 | -1) => {
    state.users.get(followerId)!.user.followingCount += delta;
    state.users.get(followeeId)!.user.followersCount += delta;
  };
  const listFollows = (side: 'followerId' | 'followeeId', other: 'followerId' | 'followeeId') =>
    async (userId: string, after: string | undefined, limit: number) =>
      [...state.follows.values()]
        .filter((follow) => follow[side] === userId && (after === undefined || follow.sequence < BigInt(after)))
        .sort(bySequenceDesc)
        .slice(0, limit)
        .map((follow) => ({ user: copyUser(state.users.get(follow[other])!.user), sequence: String(follow.sequence) }));

  const userById = (id: string) => {
    const entry = state.users.get(id);
    return entry && copyUser(entry.user);
  };
  const hearTweetFact = (tweetId: string, authorId: string, fact: TweetFact) => {
    const tally = state.tallies.get(tweetId) ?? { authorId, created: false, deleted: false };
    state.tallies.set(tweetId, tally);
    const counted = tally.created && !tally.deleted;
    tally[fact] = true;
    const entry = state.users.get(authorId);
    if (entry) entry.user.tweetCount += Number(tally.created && !tally.deleted) - Number(counted);
  };
  const tx: UserTransaction = {
    readUser: async (id) => userById(id),
    async insertUser(user, passwordHash) {
      if (state.users.has(user.id)) throw new Error(`duplicate user id ${user.id}`);
      if (findByHandle(user.handle)) throw handleTaken();
      state.users.set(user.id, { user: copyUser(user), passwordHash, profileVersion: 1 });
    },
    async lockUser(id) {
      const entry = state.users.get(id);
      return entry && { ...copyUser(entry.user), profileVersion: entry.profileVersion };
    },
    async saveProfile(id, profile) {
      const entry = state.users.get(id)!;
      entry.user = { ...entry.user, displayName: profile.displayName, bio: profile.bio, avatarUrl: profile.avatarUrl };
      entry.profileVersion = profile.profileVersion;
    },
    async setPasswordHash(id, passwordHash) {
      state.users.get(id)!.passwordHash = passwordHash;
    },
    async deleteFollow(followerId, followeeId) {
      if (!state.follows.delete(pairKey(followerId, followeeId))) return undefined;
      state.sequence += 1n;
      moveCounts(followerId, followeeId, -1);
      return String(state.sequence);
    },
    async createSession(session) {
      state.sessions.set(session.id, { userId: session.userId, expiresAt: session.expiresAt, revokedAt: null, revokedReason: null });
    },
    async addRefreshToken(token) {
      state.refreshTokens.set(token.hash, { sessionId: token.sessionId, expiresAt: token.expiresAt, spentAt: null });
    },
    async lockRefreshToken(hash) {
      const token = state.refreshTokens.get(hash);
      const session = token && state.sessions.get(token.sessionId);
      if (!token || !session) return undefined;
      const stored: StoredRefreshToken = {
        sessionId: token.sessionId,
        userId: session.userId,
        expiresAt: token.expiresAt,
        spentAt: token.spentAt,
        sessionRevokedAt: session.revokedAt,
        sessionExpiresAt: session.expiresAt,
      };
      return stored;
    },
    async spendRefreshToken(hash, at) {
      state.refreshTokens.get(hash)!.spentAt = at;
    },
    async revokeSession(sessionId, at, reason) {
      const session = state.sessions.get(sessionId);
      if (session && session.revokedAt === null) Object.assign(session, { revokedAt: at, revokedReason: reason });
    },
    async emit(events) {
      state.events.push(...events);
    },
  };

  function transaction<T>(work: (tx: UserTransaction) => Promise<T>): Promise<T> {
    const run = queue.then(async () => {
      const before = structuredClone(state);
      try {
        return await work(tx);
      } catch (error) {
        state = before;
        throw error;
      }
    });
    queue = run.catch(() => undefined);
    return run;
  }

  return {
    get events() {
      return state.events;
    },
    sessionOf: (sessionId) => state.sessions.get(sessionId),
    findById: async (id) => userById(id),
    async findByHandle(handle) {
      const entry = findByHandle(handle);
      return entry && copyUser(entry.user);
    },
    idOfHandle: async (handle) => findByHandle(handle)?.user.id,
    async findManyByIds(ids) {
      return [...new Set(ids)].flatMap((id) => {
        const entry = state.users.get(id);
        return entry ? [copyUser(entry.user)] : [];
      });
    },
    async findCredentials(handle) {
      const entry = findByHandle(handle);
      return entry && { user: copyUser(entry.user), passwordHash: entry.passwordHash };
    },
    listFollowers: listFollows('followeeId', 'followerId'),
    listFollowing: listFollows('followerId', 'followeeId'),
    async searchByPrefix(prefix, after, limit) {
      const needle = prefix.toLowerCase();
      return [...state.users.values()]
        .map((entry) => entry.user)
        .filter((user) => user.handle.toLowerCase().startsWith(needle) || user.displayName.toLowerCase().startsWith(needle))
        .filter((user) => after === undefined || handleKey(user.handle) > after)
        .sort((a, b) => (handleKey(a.handle) < handleKey(b.handle) ? -1 : 1))
        .slice(0, limit)
        .map(copyUser);
    },
    async followedAmong(followerId, candidateIds) {
      return new Set(candidateIds.filter((id) => state.follows.has(pairKey(followerId, id))));
    },
    async listSessionsRevokedSince(since) {
      return [...state.sessions].flatMap(([sessionId, session]) =>
        session.revokedAt !== null && session.revokedAt >= since ? [{ sessionId, revokedAt: session.revokedAt }] : [],
      );
    },
    // In the queue, so a transaction that throws does not roll back a tally heard while it ran.
    recordTweetCreated: (tweetId, authorId) => transaction(async () => hearTweetFact(tweetId, authorId, 'created')),
    recordTweetDeleted: (tweetId, authorId) => transaction(async () => hearTweetFact(tweetId, authorId, 'deleted')),
    follow: ({ followerId, followeeId, announce }) =>
      transaction(async () => {
        if (!state.users.has(followerId) || !state.users.has(followeeId)) throw userNotFound();
        if (followerId === followeeId) throw new Error('a user cannot follow themself (the follows table refuses it)');
        if (state.follows.has(pairKey(followerId, followeeId))) return undefined;
        state.sequence += 1n;
        state.follows.set(pairKey(followerId, followeeId), { followerId, followeeId, sequence: state.sequence });
        moveCounts(followerId, followeeId, 1);
        const event = announce(String(state.sequence));
        // As Postgres's store checks: the sequence it is given goes in payload.sequence.
        if ((event.payload as { sequence?: unknown }).sequence !== String(state.sequence)) {
          throw new Error(`a follow's event must carry the sequence it is given in payload.sequence (event type ${event.type})`);
        }
        state.events.push(event);
        return String(state.sequence);
      }),
    transaction,
  };
}
