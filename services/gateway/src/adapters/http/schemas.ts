import { MediaSchema, SignedInProperties, TweetSchema, UserSchema } from '@chirp/kernel/api-v1';
import { IdString } from '@chirp/kernel/id-schema';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, pageSchema } from '@chirp/kernel/pagination';
import { type TSchema, Type } from '@sinclair/typebox';

// The public API's inputs. Bodies are strict: a field the contract does not name (an `authorId`,
// a `likeCount`) is a 400, never ignored. Rules with their own codes (HANDLE_TAKEN,
// TWEET_TOO_LONG...) belong to the service that owns them; the bounds here keep absurd input out
// before any call, and the descriptions state the rules for clients.

const Strict = { additionalProperties: false } as const;
const text = (description: string, enforced?: EnforcedRule) => Type.String({ maxLength: 1024, description, ...(enforced ? { [ENFORCED]: enforced } : {}) });

/**
 * A rule a field is held to by the service that owns it, which answers its own code (INVALID_HANDLE,
 * BIO_TOO_LONG...) rather than the validator's VALIDATION_FAILED. The validator here keeps only
 * the loose bound; the OpenAPI document states the rule itself (openapi.ts merges it in).
 */
export const ENFORCED = 'x-chirp-enforced';
export interface EnforcedRule {
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
}
const HANDLE_RULE: EnforcedRule = { pattern: '^[A-Za-z0-9_]{3,15}$', minLength: 3, maxLength: 15 };

/** A success answer: its description and JSON schema, as the serializer and the OpenAPI document both read it. */
export const json = (description: string, schema: TSchema) => ({ description, content: { 'application/json': { schema } } });
export const NO_CONTENT = { type: 'null', description: 'Done; no body' } as const;

export const UserRef = Type.Ref(UserSchema);
export const TweetRef = Type.Ref(TweetSchema);
export const MediaRef = Type.Ref(MediaSchema);
export const UserPage = pageSchema(UserRef);
export const TweetPage = pageSchema(TweetRef);
export const SignedIn = Type.Object({ ...SignedInProperties, user: UserRef });

// A handle that cannot exist is a 404 like any unknown one (domain/handle.ts), so the schema only bounds it.
export const HandleParams = Type.Object(
  { handle: Type.String({ maxLength: 64, description: 'A handle, matched without regard to case; one that cannot exist is 404 USER_NOT_FOUND', [ENFORCED]: HANDLE_RULE }) },
  Strict,
);
export const TweetParams = Type.Object({ id: IdString({ description: 'A tweet id' }) }, Strict);

const INVISIBLE = 'no bidi controls, zero-width or other invisible format characters (joiners inside emoji are fine)';
const DISPLAY_NAME_RULE = `1–50 characters after trimming, no control characters, ${INVISIBLE}; defaults to the handle`;
const BIO_RULE = `At most 160 characters after trimming; ${INVISIBLE}`;

export const RegisterBody = Type.Object(
  {
    handle: text('3–15 of A–Z, a–z, 0–9 and _; unique without regard to case', HANDLE_RULE),
    password: text('8–128 characters', { minLength: 8, maxLength: 128 }),
    displayName: Type.Optional(text(DISPLAY_NAME_RULE, { minLength: 1, maxLength: 50 })),
  },
  Strict,
);
export const LoginBody = Type.Object({ handle: text('The handle, any case'), password: text('The password') }, Strict);
export const RefreshTokenBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 512, description: 'From login or the last refresh' }) }, Strict);
export const UpdateProfileBody = Type.Object(
  {
    displayName: Type.Optional(text(DISPLAY_NAME_RULE, { minLength: 1, maxLength: 50 })),
    bio: Type.Optional(text(BIO_RULE, { maxLength: 160 })),
    avatarMediaId: Type.Optional(IdString({ description: 'One of your ready media, to show as your avatar (`avatarUrl`)' })),
  },
  { ...Strict, minProperties: 1 },
);
export const PostTweetBody = Type.Object(
  {
    text: Type.String({
      maxLength: 4096,
      description: 'Trimmed, then 1–280 characters as Twitter counts them (most CJK and emoji count 2, a URL 23); may be empty when `mediaIds` names media',
    }),
    replyToId: Type.Optional(IdString({ description: 'The tweet this one answers; it must exist' })),
    mediaIds: Type.Optional(
      Type.Array(IdString({ description: 'A media id from POST /v1/media' }), {
        maxItems: 32,
        description: "Up to 4 of the caller's `ready` media, each attached to no other tweet, in the order to show them (more than 4: TOO_MANY_MEDIA)",
        [ENFORCED]: { maxItems: 4 },
      }),
    ),
  },
  Strict,
);
export const MediaUploadBody = Type.Object(
  {
    contentType: Type.String({ maxLength: 255, description: 'image/jpeg, image/png, image/gif or image/webp; anything else is MEDIA_TYPE_UNSUPPORTED' }),
    size: Type.Integer({ description: 'The exact size of the file in bytes: 1 to 5 MiB (5242880); more is MEDIA_TOO_LARGE', [ENFORCED]: { minimum: 1, maximum: 5 * 1024 * 1024 } }),
  },
  Strict,
);
export const MediaUploadAnswer = Type.Object(
  {
    media: MediaRef,
    upload: Type.Object(
      {
        url: Type.String({ description: 'Where to POST the file (the bucket, not the API)' }),
        fields: Type.Record(Type.String(), Type.String(), { description: 'Every one of these as a form field, in this order, before the file' }),
        expiresAt: Type.String({ format: 'date-time', description: 'The form is refused after this' }),
      },
      { additionalProperties: false },
    ),
  },
  Strict,
);
export const MediaParams = Type.Object({ id: IdString({ description: 'A media id' }) }, Strict);
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      description: 'The same key from the same user within 24 hours returns the first tweet and creates nothing new (answered with `Idempotent-Replayed: true`)',
      [ENFORCED]: { pattern: '^[A-Za-z0-9_.:-]{1,128}$', minLength: 1, maxLength: 128 },
    }),
  ),
});

const pageProperties = {
  // Optional with a default, so the document does not make clients send it.
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT, description: 'Items per page' })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: "The previous page's nextCursor, unchanged" })),
};
export const PageQuery = Type.Object(pageProperties, Strict);
export const SearchQuery = Type.Object(
  { ...pageProperties, q: Type.String({ minLength: 1, maxLength: 1024, description: '1–100 characters', [ENFORCED]: { maxLength: 100 } }) },
  Strict,
);

/** A page request from a validated query (the validator has applied the default limit). */
export const pageOf = (query: { limit?: number; cursor?: string }) => ({ limit: query.limit ?? PAGE_LIMIT_DEFAULT, cursor: query.cursor });
