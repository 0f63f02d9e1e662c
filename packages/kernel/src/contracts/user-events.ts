// The user service's events, as every producer and consumer checks them (topic chirp-user-events).
import { Type } from '@sinclair/typebox';
import { defineEvent, ISO_DATE_TIME } from '../events.ts';
import { IdString as idString } from '../id-schema.ts';

export const USER_EVENTS_TOPIC = 'chirp-user-events';

export const IdString = idString();
export const Timestamp = Type.String({ pattern: ISO_DATE_TIME });

const Profile = {
  userId: IdString,
  // Lengths are the producer's domain rules (counted in code points); a UTF-16 maxLength here would disagree.
  handle: Type.String({ minLength: 3 }),
  displayName: Type.String({ minLength: 1 }),
  bio: Type.String(),
  /** Rises by one with every profile change; consumers keep the highest they have seen. */
  profileVersion: Type.Integer({ minimum: 1 }),
};

export const UserRegistered = defineEvent('user.registered', 1, Type.Object({ ...Profile, createdAt: Timestamp }));
export const UserUpdated = defineEvent(
  'user.updated',
  1,
  Type.Object({
    ...Profile,
    /** Where the avatar is served, null for none; absent in events written before avatars existed. */
    avatarUrl: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    updatedAt: Timestamp,
  }),
);

const FollowChange = {
  followerId: IdString,
  followeeId: IdString,
  /**
   * Orders the changes of one pair: a later follow or unfollow of the same pair always
   * carries a larger sequence, so a consumer that sees them out of order keeps the last.
   */
  sequence: IdString,
};
export const UserFollowed = defineEvent('user.followed', 1, Type.Object({ ...FollowChange, followedAt: Timestamp }));
export const UserUnfollowed = defineEvent('user.unfollowed', 1, Type.Object({ ...FollowChange, unfollowedAt: Timestamp }));
