// What the use cases need from the outside world, named for the role each plays.
import type { EventEnvelope } from '@chirp/kernel/events';
import type { RefreshTokenState } from '../domain/session.ts';
import type { User } from '../domain/user.ts';

export interface PasswordHasher {
  /** A salted hash: never the password, and two hashes of one password differ. */
  hash(password: string): Promise<string>;
  /**
   * `needsRehash`: the stored hash used weaker parameters than today's and should be replaced.
   * Rejects a stored value no hasher of this kind wrote, rather than calling it a wrong password.
   */
  verify(password: string, stored: string): Promise<{ valid: boolean; needsRehash: boolean }>;
  /** As much work as a verify, against nothing: an unknown handle takes as long as a wrong password. */
  burn(password: string): Promise<void>;
}

export interface AccessTokenIssuer {
  /**
   * A token that reads back as this subject and expires `expiresInSeconds` after issue. `handle`
   * rides along so the gateway can name a tweet's author without asking; handles never change.
   */
  issue(subject: { userId: string; sessionId: string; handle: string }): { accessToken: string; expiresInSeconds: number };
}

/**
 * Tells every gateway that a session ended, so its access tokens (verified by the gateways
 * alone) stop working at once and until every token issued before then has expired; the gateways
 * forget it some minutes later. Announcing one again is harmless, even with an earlier time (the
 * later one holds); one older than any token it could end does nothing. The adapter keeps trying
 * one it could not deliver, so a caller never waits on it failing.
 */
export interface SessionRevocations {
  announce(revocation: { sessionId: string; revokedAt: Date }): Promise<void>;
}

/** Never repeats, in this process or another (a restart, a replica): sessions and tokens outlive both. */
export interface TokenSecrets {
  /** A new opaque refresh token, too long to guess, and the hash (hex) that is stored in its place. */
  newRefreshToken(): { token: string; hash: string };
  /** The hash `newRefreshToken` gave with the token, in any instance: a token issued before a restart is still found. */
  hashOf(refreshToken: string): string;
  /** A UUID. */
  newSessionId(): string;
}

/** A row of a follower or following list, with its position for the next page's cursor. */
export interface FollowListEntry {
  user: User;
  sequence: string;
}

export interface StoredRefreshToken extends RefreshTokenState {
  sessionId: string;
  userId: string;
}

export interface UserReader {
  findById(id: string): Promise<User | undefined>;
  findByHandle(handle: string): Promise<User | undefined>;
  /**
   * The id of the account with this handle (any case), or undefined. Handles never change and
   * accounts are never deleted, so an adapter may remember an id once found, for good.
   */
  idOfHandle(handle: string): Promise<string | undefined>;
  /** The users that exist among `ids`, in no particular order. */
  findManyByIds(ids: readonly string[]): Promise<User[]>;
  findCredentials(handle: string): Promise<{ user: User; passwordHash: string } | undefined>;
  /** Up to `limit` followers of `userId`, newest follow first, after the follow with sequence `after`. */
  listFollowers(userId: string, after: string | undefined, limit: number): Promise<FollowListEntry[]>;
  /** Up to `limit` accounts `userId` follows, newest follow first, after the follow with sequence `after`. */
  listFollowing(userId: string, after: string | undefined, limit: number): Promise<FollowListEntry[]>;
  /** Up to `limit` users whose handle or display name starts with `prefix` (any case), by handle, after the handle key `after`. */
  searchByPrefix(prefix: string, after: string | undefined, limit: number): Promise<User[]>;
  /** The ids among `candidateIds` that `followerId` follows. */
  followedAmong(followerId: string, candidateIds: readonly string[]): Promise<Set<string>>;
  /** Sessions revoked at or after `since`, to announce them again after an outage. */
  listSessionsRevokedSince(since: Date): Promise<Array<{ sessionId: string; revokedAt: Date }>>;
}

/** Writes inside one transaction: all of them, and the events they emit, commit together or not at all. */
export interface UserTransaction {
  /** Throws HANDLE_TAKEN when the handle exists in any case. */
  insertUser(user: User, passwordHash: string): Promise<void>;
  /** The user, read on the transaction's connection without a lock. */
  readUser(id: string): Promise<User | undefined>;
  /** The user, locked until the transaction ends. */
  lockUser(id: string): Promise<(User & { profileVersion: number }) | undefined>;
  saveProfile(id: string, profile: { displayName: string; bio: string; avatarUrl: string | null; profileVersion: number; updatedAt: Date }): Promise<void>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  /**
   * A new sequence for the unfollow when the follow existed, both counts down by one with it;
   * undefined (and no count moved) when it did not.
   */
  deleteFollow(followerId: string, followeeId: string): Promise<string | undefined>;
  createSession(session: { id: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  addRefreshToken(token: { hash: string; sessionId: string; issuedAt: Date; expiresAt: Date }): Promise<void>;
  /** The token and its session, locked until the transaction ends. */
  lockRefreshToken(hash: string): Promise<StoredRefreshToken | undefined>;
  spendRefreshToken(hash: string, at: Date): Promise<void>;
  revokeSession(sessionId: string, at: Date, reason: 'logout' | 'refresh_token_reuse'): Promise<void>;
  /** Events written with the change (the transactional outbox). */
  emit(events: readonly EventEnvelope[]): Promise<void>;
}

/**
 * Authors' tweet counts, kept from tweet events that may come twice or out of order. Each tweet
 * remembers whether its creation and its deletion were heard, and counts while created and not
 * deleted: a repeat changes nothing, and a tweet whose deletion came first never counts. Each call
 * stands alone, outside any transaction, so one event costs one statement; a creation and a
 * deletion of one tweet that race take turns on its tally.
 */
export interface TweetTallies {
  /** The author's count rises, unless the creation was heard before or the deletion already was. */
  recordTweetCreated(tweetId: string, authorId: string): Promise<void>;
  /** The author's count falls, if the creation was heard and the deletion was not. */
  recordTweetDeleted(tweetId: string, authorId: string): Promise<void>;
}

/** A follow to write, with the event that announces it when it is new. */
export interface NewFollow {
  followerId: string;
  followeeId: string;
  at: Date;
  /**
   * The event, given the follow's sequence. The sequence is drawn in the write itself (after the
   * pair's lock, so a pair's changes are numbered in the order they happen), so a store that
   * writes the follow and its event in one statement calls this once with a stand-in and puts
   * the drawn sequence in the payload's `sequence`: the one field that may depend on it.
   */
  announce: (sequence: string) => EventEnvelope;
}

export interface UserStore extends UserReader, TweetTallies {
  /**
   * The follow, the follower's following count and the followee's followers count up by one,
   * and its event, all at once; the follow's sequence. Undefined, and nothing written, when the
   * pair already follows. Throws USER_NOT_FOUND when either user does not exist.
   */
  follow(follow: NewFollow): Promise<string | undefined>;
  /** Runs `work` in one transaction; it may run again from the start after a deadlock. */
  transaction<T>(work: (tx: UserTransaction) => Promise<T>): Promise<T>;
}
