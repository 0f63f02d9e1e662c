import { IdString } from '@chirp/kernel/id-schema';
import { type Page, PageQuerySchema, pageSchema } from '@chirp/kernel/pagination';
import { SignedInProperties, type UserJson, UserSchema } from '@chirp/kernel/api-v1';
import { Type } from '@sinclair/typebox';
import { MAX_BATCH_IDS } from '../../use-cases/get-users-by-ids.ts';
import type { UserView } from '../../use-cases/user-view.ts';

// Lengths are checked by the domain, which owns the rules and their codes (HANDLE_TAKEN,
// PASSWORD_TOO_LONG...); the schema bound only keeps absurd inputs out before any work is done.
const text = () => Type.String({ maxLength: 1024 });

export const IdParam = IdString();
export const Strict = { additionalProperties: false } as const;

export { UserSchema };

export const toUserJson = (user: UserView): UserJson => ({ ...user, createdAt: user.createdAt.toISOString() });

export const UserPageSchema = pageSchema(UserSchema);
export const toUserPageJson = (page: Page<UserView>) => ({ data: page.data.map(toUserJson), nextCursor: page.nextCursor });

export const RegisterBody = Type.Object(
  { handle: text(), password: text(), displayName: Type.Optional(text()) },
  Strict,
);
export const LoginBody = Type.Object({ handle: text(), password: text() }, Strict);
export const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 512 }) }, Strict);
export const UpdateProfileBody = Type.Object(
  { displayName: Type.Optional(text()), bio: Type.Optional(text()) },
  { ...Strict, minProperties: 1 },
);
export const BatchBody = Type.Object(
  { ids: Type.Array(IdParam, { minItems: 1, maxItems: MAX_BATCH_IDS }), viewerId: Type.Optional(IdParam) },
  Strict,
);

export const SignedInSchema = Type.Object({ ...SignedInProperties, user: UserSchema });

export const ViewerQuery = Type.Object({ viewerId: Type.Optional(IdParam) }, Strict);
export const ListQuery = Type.Object({ ...PageQuerySchema.properties, viewerId: Type.Optional(IdParam) }, Strict);
export const SearchQuery = Type.Object({ ...ListQuery.properties, q: Type.String({ minLength: 1, maxLength: 400 }) }, Strict);
