import { SignedInProperties, TweetSchema, UserSchema } from '@chirp/kernel/api-v1';
import { IdString } from '@chirp/kernel/id-schema';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, pageSchema } from '@chirp/kernel/pagination';
import { type TSchema, Type } from '@sinclair/typebox';

// The public API's inputs. Bodies are strict: a field the contract does not name (an `authorId`,
// a `likeCount`) is a 400, never ignored. Rules with their own codes (HANDLE_TAKEN,
// TWEET_TOO_LONG...) belong to the service that owns them; the bounds here keep absurd input out
// before any call, and the descriptions state the rules for clients.

const Strict = { additionalProperties: false } as const;
const text = (description: string) => Type.String({ maxLength: 1024, description });

/** A success answer: its description and JSON schema, as the serializer and the OpenAPI document both read it. */
export const json = (description: string, schema: TSchema) => ({ description, content: { 'application/json': { schema } } });
export const NO_CONTENT = { type: 'null', description: 'Done; no body' } as const;

export const UserRef = Type.Ref(UserSchema);
export const TweetRef = Type.Ref(TweetSchema);
export const UserPage = pageSchema(UserRef);
export const TweetPage = pageSchema(TweetRef);
export const SignedIn = Type.Object({ ...SignedInProperties, user: UserRef });

// A handle that cannot exist is a 404 like any unknown one (domain/handle.ts), so the schema only bounds it.
export const HandleParams = Type.Object({ handle: Type.String({ maxLength: 64, description: 'A handle, matched without regard to case' }) }, Strict);
export const TweetParams = Type.Object({ id: IdString({ description: 'A tweet id' }) }, Strict);

export const RegisterBody = Type.Object(
  {
    handle: text('3–15 of A–Z, a–z, 0–9 and _; unique without regard to case'),
    password: text('8–128 characters'),
    displayName: Type.Optional(text('1–50 characters; defaults to the handle')),
  },
  Strict,
);
export const LoginBody = Type.Object({ handle: text('The handle, any case'), password: text('The password') }, Strict);
export const RefreshTokenBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 512, description: 'From login or the last refresh' }) }, Strict);
export const UpdateProfileBody = Type.Object(
  { displayName: Type.Optional(text('1–50 characters')), bio: Type.Optional(text('At most 160 characters')) },
  { ...Strict, minProperties: 1 },
);
export const PostTweetBody = Type.Object(
  {
    text: Type.String({ maxLength: 4096, description: 'Trimmed, then 1–280 characters as Twitter counts them (most CJK and emoji count 2, a URL 23)' }),
    replyToId: Type.Optional(IdString({ description: 'The tweet this one answers; it must exist' })),
  },
  Strict,
);
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ description: 'The same key from the same user within 24 hours returns the first tweet and creates nothing new (answered with `Idempotent-Replayed: true`)' }),
  ),
});

const pageProperties = {
  // Optional with a default, so the document does not make clients send it.
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT, description: 'Items per page' })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: "The previous page's nextCursor, unchanged" })),
};
export const PageQuery = Type.Object(pageProperties, Strict);
export const SearchQuery = Type.Object({ ...pageProperties, q: Type.String({ minLength: 1, maxLength: 1024, description: '1–100 characters' }) }, Strict);

/** A page request from a validated query (the validator has applied the default limit). */
export const pageOf = (query: { limit?: number; cursor?: string }) => ({ limit: query.limit ?? PAGE_LIMIT_DEFAULT, cursor: query.cursor });
