import { batchBody, IdParam, ListQuery, Strict, ViewerQuery } from '@chirp/common/request-schemas';
import { type Page, pageSchema } from '@chirp/kernel/pagination';
import { SignedInProperties, type UserJson, UserSchema } from '@chirp/kernel/api-v1';
import { Type } from '@sinclair/typebox';
import { MAX_BATCH_IDS } from '../../use-cases/get-users-by-ids.ts';
import type { UserView } from '../../use-cases/user-view.ts';

// Lengths are checked by the domain, which owns the rules and their codes (HANDLE_TAKEN,
// PASSWORD_TOO_LONG...); the schema bound only keeps absurd inputs out before any work is done.
const text = () => Type.String({ maxLength: 1024 });

export { IdParam, ListQuery, Strict, ViewerQuery };

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
  { displayName: Type.Optional(text()), bio: Type.Optional(text()), avatarUrl: Type.Optional(Type.String({ maxLength: 4096 })) },
  { ...Strict, minProperties: 1 },
);
export const BatchBody = batchBody(MAX_BATCH_IDS);

export const SignedInSchema = Type.Object({ ...SignedInProperties, user: UserSchema });

export const SearchQuery = Type.Object({ ...ListQuery.properties, q: Type.String({ minLength: 1, maxLength: 400 }) }, Strict);
