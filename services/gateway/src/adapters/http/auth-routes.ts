import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, EVERY_ROUTE, JSON_BODY } from './problems.ts';
import { contextOf, type RouteDeps } from './route-context.ts';
import { json, LoginBody, NO_CONTENT, RefreshTokenBody, RegisterBody, SignedIn, UserRef } from './schemas.ts';

const REFRESH_FAILURES = ['INVALID_REFRESH_TOKEN', 'REFRESH_TOKEN_EXPIRED', 'REFRESH_TOKEN_REUSED', 'SESSION_REVOKED'];

/** Accounts and sessions: the routes anyone may call, under the per-address sign-in and session budgets. */
export function registerAuthRoutes(parent: FastifyInstance, { users }: RouteDeps): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const config = { rateLimit: 'sign-in' } as const;
  const sessionConfig = { rateLimit: 'session' } as const;
  const tags = ['auth'];

  app.post(
    '/v1/auth/register',
    {
      config,
      schema: {
        operationId: 'register',
        tags,
        summary: 'Create an account',
        body: RegisterBody,
        response: {
          201: json('The new account', UserRef),
          ...errorResponses(EVERY_ROUTE, JSON_BODY, { 400: ['INVALID_HANDLE', 'PASSWORD_TOO_SHORT', 'PASSWORD_TOO_LONG', 'INVALID_DISPLAY_NAME', 'INVISIBLE_CHARACTERS'], 409: ['HANDLE_TAKEN'] }),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await users.register(request.body, contextOf(request))),
  );

  app.post(
    '/v1/auth/login',
    {
      config,
      schema: {
        operationId: 'logIn',
        tags,
        summary: 'Sign in with handle and password',
        description: 'An unknown handle and a wrong password get the same 401.',
        body: LoginBody,
        response: { 200: json('Signed in: tokens and the user', SignedIn), ...errorResponses(EVERY_ROUTE, JSON_BODY, { 401: ['INVALID_CREDENTIALS'] }) },
      },
    },
    async (request) => users.logIn(request.body, contextOf(request)),
  );

  app.post(
    '/v1/auth/refresh',
    {
      config: sessionConfig,
      schema: {
        operationId: 'refresh',
        tags,
        summary: 'Trade a refresh token for new tokens',
        description: 'A refresh token works once. Presenting a spent one again revokes the whole session (every token from the same login) with 401 REFRESH_TOKEN_REUSED.',
        body: RefreshTokenBody,
        response: { 200: json('New tokens; the refresh token sent is now spent', SignedIn), ...errorResponses(EVERY_ROUTE, JSON_BODY, { 401: REFRESH_FAILURES }) },
      },
    },
    async (request) => users.refresh(request.body.refreshToken, contextOf(request)),
  );

  app.post(
    '/v1/auth/logout',
    {
      config: sessionConfig,
      schema: {
        operationId: 'logOut',
        tags,
        summary: 'End the session the refresh token belongs to',
        description: 'Idempotent: an unknown or already revoked token is not an error.',
        body: RefreshTokenBody,
        response: { 204: NO_CONTENT, ...errorResponses(EVERY_ROUTE, JSON_BODY) },
      },
    },
    async (request, reply) => {
      await users.logOut(request.body.refreshToken, contextOf(request));
      return reply.code(204).send();
    },
  );
}
