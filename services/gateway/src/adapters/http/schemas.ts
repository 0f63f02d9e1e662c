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
  uniqueItems?: boolean;
}
const HANDLE_RULE: EnforcedRule = { pattern: '^[A-Za-z0-9_]{3,15}$', minLength: 3, maxLength: 15 };

/**
 * What JavaScript's trim() removes (WhiteSpace and LineTerminator), spelled out for a pattern:
 * `\s` means another set in other regex engines (Python's keeps U+FEFF and takes U+001C–001F),
 * and clients and fuzzers read these patterns with theirs.
 */
const TRIMMED = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
/**
 * Tweet text: no NUL (INVALID_TWEET_TEXT). Whether it may be empty once trimmed depends on
 * `mediaIds`, and its length is weighted: no keyword of the text alone states those.
 */
const TWEET_TEXT_PATTERN = '^[^\\u0000]*$';
/** C0 and C1 controls (category Cc). */
const CONTROLS = '\\u0000-\\u001f\\u007f-\\u009f';
/**
 * What names and bios refuse as invisible (INVISIBLE_CHARACTERS, `invisibleCharacterIn`): every
 * format character (Unicode 16, category Cf) and the Hangul fillers. Astral ones are written as
 * themselves: JavaScript (\\u{...}) and Python (\\U...) spell their escapes differently.
 * A joiner inside an emoji sequence is accepted too, which no pattern here states.
 */
export const INVISIBLE_CHARACTERS =
  '\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890\\u0891\\u08e2\\u115f\\u1160\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\u3164\\ufeff\\uffa0\\ufff9-\\ufffb' +
  '\u{110bd}\u{110cd}\u{13430}-\u{1343f}\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0001}\u{e0020}-\u{e007f}';
/**
 * A value trimmed (as trim() does) to `min`..`max` characters: `edge` is what may begin and end
 * it, `inner` what may stand between. The length is the trimmed one, so no maxLength can state it.
 */
const trimmedPattern = (min: 0 | 1, max: number, edge: string, inner: string): string => {
  const body = `${edge}(?:${inner}{0,${max - 2}}${edge})?`;
  return `^[${TRIMMED}]*${min === 0 ? `(?:${body})?` : body}[${TRIMMED}]*$`;
};
/** Display names: trimmed, 1–50, no controls, nothing invisible. */
export const DISPLAY_NAME_PATTERN = trimmedPattern(1, 50, `[^${CONTROLS}${TRIMMED}${INVISIBLE_CHARACTERS}]`, `[^${CONTROLS}${INVISIBLE_CHARACTERS}]`);
/** Bios: trimmed, at most 160, no NUL, nothing invisible. */
export const BIO_PATTERN = trimmedPattern(0, 160, `[^\\u0000${TRIMMED}${INVISIBLE_CHARACTERS}]`, `[^\\u0000${INVISIBLE_CHARACTERS}]`);
/** Tweet search: 1–100 characters once trimmed (and a word or hashtag to look for, which no pattern states). */
export const SEARCH_TWEETS_PATTERN = trimmedPattern(1, 100, `[^${TRIMMED}]`, '[\\s\\S]');
/** User search: trimmed, one leading @ dropped, then 1–100 characters without controls. */
export const SEARCH_USERS_PATTERN = `^[${TRIMMED}]*(?:@[^${CONTROLS}]{0,99}[^${CONTROLS}${TRIMMED}]|[^@${CONTROLS}${TRIMMED}](?:[^${CONTROLS}]{0,98}[^${CONTROLS}${TRIMMED}])?)[${TRIMMED}]*$`;
/** `text` matched without regard to ASCII case, spelled as a class per letter: engines spell a case-insensitive group differently. */
const anyCase = (text: string): string => [...text].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('');
/** A media content type: trimmed and lower-cased, then one of the allowed types (MEDIA_TYPE_UNSUPPORTED). */
export const MEDIA_CONTENT_TYPE_PATTERN = `^[${TRIMMED}]*${anyCase('image/')}(?:${['jpeg', 'png', 'gif', 'webp'].map(anyCase).join('|')})[${TRIMMED}]*$`;
const NOTIFICATION_TYPE = '(follow|mention|reply|like)';
/** Comma-separated notification types, each may be padded as trim() removes. */
export const NOTIFICATION_TYPES_PATTERN = `^[${TRIMMED}]*${NOTIFICATION_TYPE}[${TRIMMED}]*(,[${TRIMMED}]*${NOTIFICATION_TYPE}[${TRIMMED}]*)*$`;

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
    displayName: Type.Optional(text(DISPLAY_NAME_RULE, { minLength: 1, pattern: DISPLAY_NAME_PATTERN })),
  },
  Strict,
);
export const LoginBody = Type.Object({ handle: text('The handle, any case'), password: text('The password') }, Strict);
export const RefreshTokenBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 512, description: 'From login or the last refresh' }) }, Strict);
export const UpdateProfileBody = Type.Object(
  {
    displayName: Type.Optional(text(DISPLAY_NAME_RULE, { minLength: 1, pattern: DISPLAY_NAME_PATTERN })),
    bio: Type.Optional(text(BIO_RULE, { pattern: BIO_PATTERN })),
    avatarMediaId: Type.Optional(IdString({ description: 'One of your ready media, to show as your avatar (`avatarUrl`)' })),
  },
  { ...Strict, minProperties: 1 },
);
export const PostTweetBody = Type.Object(
  {
    text: Type.String({
      maxLength: 4096,
      description: 'Trimmed, then 1–280 characters as Twitter counts them (most CJK and emoji count 2, a URL 23); may be empty when `mediaIds` names media; no NUL',
      [ENFORCED]: { pattern: TWEET_TEXT_PATTERN },
    }),
    replyToId: Type.Optional(IdString({ description: 'The tweet this one answers; it must exist' })),
    mediaIds: Type.Optional(
      Type.Array(IdString({ description: 'A media id from POST /v1/media' }), {
        maxItems: 32,
        description: "Up to 4 of the caller's `ready` media, each attached to no other tweet, in the order to show them (more than 4: TOO_MANY_MEDIA)",
        [ENFORCED]: { maxItems: 4, uniqueItems: true },
      }),
    ),
  },
  Strict,
);
export const MediaUploadBody = Type.Object(
  {
    contentType: Type.String({
      maxLength: 255,
      description: 'image/jpeg, image/png, image/gif or image/webp, in any case; anything else is MEDIA_TYPE_UNSUPPORTED',
      [ENFORCED]: { pattern: MEDIA_CONTENT_TYPE_PATTERN },
    }),
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
// 400 as the user service's validator bounds it: a padded query longer than that was passed on
// here and refused there, so the document's bound was not what the API enforced.
const searchQuery = (description: string, pattern: string) => Type.Object({ ...pageProperties, q: Type.String({ minLength: 1, maxLength: 400, description, [ENFORCED]: { pattern } }) }, Strict);
export const SearchTweetsQuery = searchQuery('1–100 characters once trimmed, with a word or #hashtag to look for', SEARCH_TWEETS_PATTERN);
export const SearchUsersQuery = searchQuery('1–100 characters once trimmed (a leading @ is dropped), no control characters', SEARCH_USERS_PATTERN);

/** A page request from a validated query (the validator has applied the default limit). */
export const pageOf = (query: { limit?: number; cursor?: string }) => ({ limit: query.limit ?? PAGE_LIMIT_DEFAULT, cursor: query.cursor });
