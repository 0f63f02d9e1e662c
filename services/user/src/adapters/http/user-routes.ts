import type { Jwk } from '@chirp/common/auth';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { SignedIn } from '../../use-cases/session-tokens.ts';
import type { UserUseCases } from '../../use-cases/user-use-cases.ts';
import {
  BatchBody,
  IdParam,
  ListQuery,
  LoginBody,
  RefreshBody,
  RegisterBody,
  SearchQuery,
  SignedInSchema,
  Strict,
  toUserJson,
  toUserPageJson,
  UpdateProfileBody,
  UserPageSchema,
  UserSchema,
  ViewerQuery,
} from './schemas.ts';

const signedInJson = (signedIn: SignedIn) => ({ ...signedIn, user: toUserJson(signedIn.user) });

const UserIdParams = Type.Object({ id: IdParam }, Strict);
const HandleParams = Type.Object({ handle: Type.String({ maxLength: 64 }) }, Strict);
const FollowParams = Type.Object({ id: IdParam, handle: Type.String({ maxLength: 64 }) }, Strict);

/**
 * The user service's API. It is internal: only the gateway calls it, and the gateway
 * alone turns an access token into the `id`/`viewerId` these routes take.
 */
export function registerUserRoutes(parent: FastifyInstance, useCases: UserUseCases, jwks: () => { keys: Jwk[] }): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/.well-known/jwks.json', async (_request, reply) => {
    // Long enough to spare the issuer, short enough that a new key is seen well before it signs.
    void reply.header('cache-control', 'public, max-age=300');
    return jwks();
  });

  app.post('/v1/users', { schema: { body: RegisterBody, response: { 201: UserSchema } } }, async (request, reply) => {
    const user = await useCases.registerUser(request.body);
    return reply.code(201).send(toUserJson(user));
  });

  app.post('/v1/sessions', { schema: { body: LoginBody, response: { 200: SignedInSchema } } }, async (request) =>
    signedInJson(await useCases.logIn(request.body)),
  );
  app.post('/v1/sessions/refresh', { schema: { body: RefreshBody, response: { 200: SignedInSchema } } }, async (request) =>
    signedInJson(await useCases.refreshSession(request.body)),
  );
  app.post('/v1/sessions/logout', { schema: { body: RefreshBody } }, async (request, reply) => {
    await useCases.logOut(request.body);
    return reply.code(204).send();
  });

  app.get('/v1/users/search', { schema: { querystring: SearchQuery, response: { 200: UserPageSchema } } }, async (request) => {
    return toUserPageJson(await useCases.searchUsers(request.query));
  });
  app.post('/v1/users/batch', { schema: { body: BatchBody, response: { 200: Type.Object({ data: Type.Array(UserSchema) }) } } }, async (request) => {
    const users = await useCases.getUsersByIds(request.body.ids, request.body.viewerId);
    return { data: users.map(toUserJson) };
  });
  app.get('/v1/users/:id', { schema: { params: UserIdParams, querystring: ViewerQuery, response: { 200: UserSchema } } }, async (request) =>
    toUserJson(await useCases.getUser({ id: request.params.id }, request.query.viewerId)),
  );
  app.patch('/v1/users/:id', { schema: { params: UserIdParams, body: UpdateProfileBody, response: { 200: UserSchema } } }, async (request) =>
    toUserJson(await useCases.updateProfile({ userId: request.params.id, ...request.body })),
  );
  app.get('/v1/users/by-handle/:handle', { schema: { params: HandleParams, querystring: ViewerQuery, response: { 200: UserSchema } } }, async (request) =>
    toUserJson(await useCases.getUser({ handle: request.params.handle }, request.query.viewerId)),
  );
  for (const direction of ['followers', 'following'] as const) {
    app.get(
      `/v1/users/by-handle/:handle/${direction}`,
      { schema: { params: HandleParams, querystring: ListQuery, response: { 200: UserPageSchema } } },
      async (request) => {
        return toUserPageJson(await useCases.listFollows({ direction, handle: request.params.handle, ...request.query }));
      },
    );
  }
  app.put('/v1/users/:id/following/:handle', { schema: { params: FollowParams } }, async (request, reply) => {
    await useCases.followUser({ followerId: request.params.id, followeeHandle: request.params.handle });
    return reply.code(204).send();
  });
  app.delete('/v1/users/:id/following/:handle', { schema: { params: FollowParams } }, async (request, reply) => {
    await useCases.unfollowUser({ followerId: request.params.id, followeeHandle: request.params.handle });
    return reply.code(204).send();
  });
}
