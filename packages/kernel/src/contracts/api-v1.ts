// The objects of the public API (../shared/api/v1.md) as JSON Schema. The user and tweet
// services answer in these shapes, and the gateway validates, serializes and documents them.
import { type Static, Type } from '@sinclair/typebox';
import { ID_PATTERN } from '../id-schema.ts';

const Id = (description: string) => Type.String({ pattern: ID_PATTERN, description });

export const UserSchema = Type.Object(
  {
    id: Id('64-bit id as a decimal string'),
    handle: Type.String(),
    displayName: Type.String(),
    bio: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    followersCount: Type.Integer({ minimum: 0 }),
    followingCount: Type.Integer({ minimum: 0 }),
    tweetCount: Type.Integer({ minimum: 0 }),
    following: Type.Optional(Type.Boolean({ description: 'Whether the caller follows this user; present on authenticated requests.' })),
  },
  { $id: 'User', additionalProperties: false },
);
export type UserJson = Static<typeof UserSchema>;

const AuthorSchema = Type.Object({ id: Id("The author's id"), handle: Type.String(), displayName: Type.String() }, { additionalProperties: false });

export const TweetSchema = Type.Object(
  {
    id: Id('64-bit id as a decimal string'),
    text: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    author: AuthorSchema,
    replyToId: Type.Union([Id('The tweet this one answers'), Type.Null()]),
    likeCount: Type.Integer({ minimum: 0 }),
    replyCount: Type.Integer({ minimum: 0 }),
    likedByMe: Type.Optional(Type.Boolean({ description: 'Whether the caller likes this tweet; present on authenticated requests.' })),
    hashtags: Type.Array(Type.String(), { description: 'Lower-cased, without the #' }),
    mentions: Type.Array(Type.String(), { description: 'Handles as written, without the @' }),
  },
  { $id: 'Tweet', additionalProperties: false },
);
export type TweetJson = Static<typeof TweetSchema>;

export const NOTIFICATION_TYPE_NAMES = ['follow', 'mention', 'reply', 'like'] as const;

/** A Notification of the contract's "Additions": `tweet` is the tweet that mentions, replies or was liked; null for a follow. */
export const NotificationSchema = Type.Object(
  {
    id: Type.String({ description: '64-bit time-ordered id as a decimal string' }),
    type: Type.Union(NOTIFICATION_TYPE_NAMES.map((type) => Type.Literal(type))),
    createdAt: Type.String({ format: 'date-time' }),
    read: Type.Boolean(),
    actor: Type.Object(
      { id: Type.String(), handle: Type.String(), displayName: Type.String(), avatarUrl: Type.Union([Type.String(), Type.Null()]) },
      { additionalProperties: false },
    ),
    tweet: Type.Union([Type.Ref(TweetSchema), Type.Null()]),
  },
  { $id: 'Notification', additionalProperties: false },
);
export type NotificationJson = Omit<Static<typeof NotificationSchema>, 'tweet'> & { tweet: TweetJson | null };

/** What login and refresh answer. */
export const SignedInProperties = {
  accessToken: Type.String(),
  refreshToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
};
