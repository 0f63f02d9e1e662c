// What the notification use cases need from the outside world, named for the role each plays.
import type { NotificationJson, TweetJson } from '@chirp/kernel/api-v1';
import type { IdSource } from '@chirp/kernel/ids';
import type { NotificationCandidate, NotificationType, StoredNotification } from '../domain/notification.ts';

export interface NotificationStore {
  /**
   * Stores the candidates that are new: one whose (recipient, type, actor, tweet) is stored
   * already, or whose tweet was deleted, is skipped. Resolves the ones stored now, so a
   * repeated act or a redelivered event stores (and pushes) nothing. Safe to race with
   * `forgetTweet` of the same tweet: whichever runs second sees the other.
   */
  add(candidates: readonly NotificationCandidate[], ids: IdSource): Promise<StoredNotification[]>;
  /** Marks the tweet deleted (later acts on it notify no one) and removes its notifications; how many went. */
  forgetTweet(tweetId: string, at: Date): Promise<number>;
  /** The recipient's notifications newest first, below the id `before`, of the given types (all when undefined). */
  listNewest(recipientId: string, query: { before: string | undefined; types: readonly NotificationType[] | undefined; limit: number }): Promise<StoredNotification[]>;
  /** The recipient's notifications oldest first, above the id `after`: what a reconnecting stream missed. */
  listAfter(recipientId: string, after: string, limit: number): Promise<StoredNotification[]>;
  /** The id up to which the recipient has read ('0' when never). */
  readUpTo(recipientId: string): Promise<string>;
  /** Raises the recipient's read mark to `upToId`; a lower mark than the stored one changes nothing. */
  markRead(recipientId: string, upToId: string): Promise<void>;
  /** Unread notifications of the recipient, counting at most `cap` index entries. */
  countUnread(recipientId: string, cap: number): Promise<number>;
  /** Forgets deletion markers older than `before` (no event that old is redelivered); how many went. */
  pruneDeletedBefore(before: Date): Promise<number>;
}

/** A user as the user events describe them; `profileVersion` rises with every change. */
export interface KnownUser {
  id: string;
  handle: string;
  displayName: string;
  /** Where the avatar is served; null for none (and for users registered or updated before avatars existed). */
  avatarUrl: string | null;
  profileVersion: number;
  /** When the account was created; unknown (null) when only a `user.updated` has arrived. */
  registeredAt: Date | null;
}

/** A mention of a handle no user event has named yet: kept a while, in case the user's registration arrives late. */
export interface HeldMention {
  handle: string;
  tweetId: string;
  actorId: string;
  at: Date;
}

/** The service's own copy of who is who, learnt from user events (never asked of the user service per event). */
export interface UserDirectory {
  /** Saves the user unless a profile version at least as high is stored; resolves whether it was saved. */
  save(user: KnownUser): Promise<boolean>;
  findByHandles(handles: readonly string[]): Promise<KnownUser[]>;
  findByIds(ids: readonly string[]): Promise<KnownUser[]>;
  hold(mentions: readonly HeldMention[]): Promise<void>;
  /** The mentions held for `handle`. */
  findHeld(handle: string): Promise<HeldMention[]>;
  /** Drops the held mentions of `handle` in these tweets (once they are settled). */
  release(handle: string, tweetIds: readonly string[]): Promise<void>;
  /** Forgets held mentions older than `before`; how many went. */
  pruneHeld(before: Date): Promise<number>;
}

/** Tweets as clients see them, from the tweet service: one batch per page. Deleted and unknown ids are left out. */
export interface TweetHydrator {
  hydrate(ids: readonly string[], viewerId: string): Promise<TweetJson[]>;
}

/** Users the directory has not heard of yet (their event is late), from the user service: one batch per page, rarely. */
export interface UserLookup {
  findByIds(ids: readonly string[]): Promise<ActorProfile[]>;
}

/** What a notification shows of its actor. */
export type ActorProfile = Pick<KnownUser, 'id' | 'handle' | 'displayName' | 'avatarUrl'>;

/** Live delivery to connected clients (the gateway's streams). It may lose a push: a reconnecting client replays from the store. */
export interface NotificationPush {
  /** The recipients among `recipientIds` who have a stream open now. */
  connected(recipientIds: readonly string[]): Promise<Set<string>>;
  push(deliveries: ReadonlyArray<{ recipientId: string; notification: NotificationJson; at: Date }>): Promise<void>;
}

export interface NotificationMetrics {
  created(type: NotificationType, count: number): void;
  /** A push that failed (logged with the error by the adapter); `notifications` were stored but not pushed. */
  pushFailed(error: unknown, notifications: number): void;
}

export type { NotificationJson };
