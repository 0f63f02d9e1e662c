// Who is notified of what: the rules of ../shared/api/v1.md ("Additions", Notifications), pure.
import { isValidId } from '@chirp/kernel/ids';
import { invalidNotificationId, invalidNotificationTypes } from './notification-errors.ts';

/** The same list as the public schema's (`@chirp/common/api-v1`), which the domain may not import; a unit test holds them equal. */
export const NOTIFICATION_TYPES = ['follow', 'mention', 'reply', 'like'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** `unread-count` is exact up to this many and stops counting there (the contract allows it). */
export const UNREAD_COUNT_CAP = 1000;

/**
 * One act that notifies one user. (recipient, type, actor, tweet) is its identity: the same
 * act again (a like after an unlike, a follow after an unfollow, a redelivered event) is the
 * same notification, never a second one.
 */
export interface NotificationCandidate {
  recipientId: string;
  type: NotificationType;
  actorId: string;
  /** The tweet that mentions, replies or was liked; null for a follow. */
  tweetId: string | null;
  /** When the act happened. */
  at: Date;
}

export interface StoredNotification extends NotificationCandidate {
  /** Time-ordered, issued when the notification is first stored. */
  id: string;
}

/** Nobody is notified of their own act. */
const notSelf = (candidates: NotificationCandidate[]): NotificationCandidate[] => candidates.filter((c) => c.recipientId !== c.actorId);

export const followNotification = (follow: { followerId: string; followeeId: string; at: Date }): NotificationCandidate[] =>
  notSelf([{ recipientId: follow.followeeId, type: 'follow', actorId: follow.followerId, tweetId: null, at: follow.at }]);

export const likeNotification = (like: { tweetId: string; authorId: string; userId: string; at: Date }): NotificationCandidate[] =>
  notSelf([{ recipientId: like.authorId, type: 'like', actorId: like.userId, tweetId: like.tweetId, at: like.at }]);

/**
 * A new tweet notifies each user it mentions (already resolved from handles: unknown handles
 * are not users) and, for a reply, the parent's author. Someone both mentioned and replied to
 * gets both: they are two acts of different types.
 */
export function tweetNotifications(tweet: {
  tweetId: string;
  authorId: string;
  at: Date;
  mentionedUserIds: readonly string[];
  replyToAuthorId: string | null;
}): NotificationCandidate[] {
  const base = { actorId: tweet.authorId, tweetId: tweet.tweetId, at: tweet.at };
  const mentions = [...new Set(tweet.mentionedUserIds)].map((recipientId): NotificationCandidate => ({ ...base, recipientId, type: 'mention' }));
  const reply: NotificationCandidate[] = tweet.replyToAuthorId === null ? [] : [{ ...base, recipientId: tweet.replyToAuthorId, type: 'reply' }];
  return notSelf([...mentions, ...reply]);
}

/** Handles compare without case, as the user service's do. */
export const handleKey = (handle: string): string => handle.toLowerCase();

/** The `types` query parameter: comma-separated known types, at least one, or undefined for all. */
export function parseTypes(text: string | undefined): NotificationType[] | undefined {
  if (text === undefined) return undefined;
  const types = text.split(',').map((part) => part.trim());
  const known = new Set<string>(NOTIFICATION_TYPES);
  const unknown = types.filter((type) => !known.has(type));
  if (text.trim() === '' || unknown.length > 0) throw invalidNotificationTypes(NOTIFICATION_TYPES, unknown);
  return [...new Set(types as NotificationType[])];
}

/** `upToId` of a read: a notification id (a positive 64-bit decimal). */
export function parseNotificationId(value: string): string {
  if (!isValidId(value)) throw invalidNotificationId();
  return value;
}
