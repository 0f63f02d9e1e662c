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
    avatarUrl: Type.Union([Type.String(), Type.Null()], { description: 'Where the avatar picture is served; null until one is set' }),
    following: Type.Optional(Type.Boolean({ description: 'Whether the caller follows this user; present on authenticated requests.' })),
  },
  { $id: 'User', additionalProperties: false },
);
export type UserJson = Static<typeof UserSchema>;

export const MEDIA_STATUSES = ['pending', 'ready', 'failed'] as const;

/** A Media of the contract's "Additions": url, width and height are null until it is ready. */
const MediaProperties = {
    id: Id('64-bit id as a decimal string'),
    type: Type.Literal('image'),
    contentType: Type.String({ description: 'image/jpeg, image/png, image/gif or image/webp' }),
    size: Type.Integer({ minimum: 1, description: 'Bytes, as declared when the upload was requested' }),
    status: Type.Union(MEDIA_STATUSES.map((status) => Type.Literal(status)), {
      description: '`pending` until the upload is verified from its own bytes, then `ready`, or `failed` when they are not the declared image',
    }),
    url: Type.Union([Type.String(), Type.Null()], { description: 'Where the image is served; null until ready' }),
    width: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'Pixels, read from the file; null until ready' }),
    height: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'Pixels, read from the file; null until ready' }),
};
export const MediaSchema = Type.Object(MediaProperties, { $id: 'Media', additionalProperties: false });
export type MediaJson = Static<typeof MediaSchema>;

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
    // Inline rather than a reference, so every service can use the Tweet schema without registering Media.
    media: Type.Array(Type.Object(MediaProperties, { additionalProperties: false }), { maxItems: 4, description: 'The attached images, in the order attached; [] when none' }),
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
