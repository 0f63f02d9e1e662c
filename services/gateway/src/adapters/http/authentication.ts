import { type AccessTokenClaims, InvalidTokenError } from '@chirp/common/auth';
import { signInRequired } from '../../domain/gateway-errors.ts';
import type { FastifyInstance } from 'fastify';
import type { Caller } from '../../use-cases/post-tweet.ts';

export type VerifyAccessToken = (token: string) => Promise<AccessTokenClaims>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, from a verified access token; the only source of the caller's identity. */
    caller: Caller | undefined;
    /** Why the token that was sent is not accepted. */
    tokenError: InvalidTokenError | undefined;
  }
  interface FastifyContextConfig {
    /** `required`: 401 without a valid token. `optional`: works signed out, but a token sent must be valid. */
    auth?: 'required' | 'optional';
  }
}

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*) *$/i;

const signInRequiredHere = () => signInRequired('this endpoint needs an access token (Authorization: Bearer <token>)');

/**
 * Verifies the bearer token, if any, as the request arrives (so rate limits can count by user),
 * and enforces it before the body is validated, so an unauthenticated request never learns
 * more than 401.
 */
export function installAuthentication(app: FastifyInstance, verify: VerifyAccessToken): void {
  app.decorateRequest('caller', undefined);
  app.decorateRequest('tokenError', undefined);

  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header === undefined || request.routeOptions.config.auth === undefined) return;
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) {
      request.tokenError = new InvalidTokenError('the Authorization header is not "Bearer <token>"');
      return;
    }
    try {
      const claims = await verify(token);
      request.caller = { userId: claims.userId, handle: claims.handle };
    } catch (error) {
      // Anything else (the key set cannot be fetched) is not the client's fault: a 503 follows.
      if (!(error instanceof InvalidTokenError)) throw error;
      request.tokenError = error;
    }
  });

  app.addHook('preValidation', async (request, reply) => {
    const mode = request.routeOptions.config.auth;
    if (mode === undefined) return;
    if (request.tokenError) {
      void reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw request.tokenError;
    }
    if (mode === 'required' && request.caller === undefined) {
      void reply.header('www-authenticate', 'Bearer');
      throw signInRequiredHere();
    }
  });
}

/** The caller of a route marked `auth: 'required'` (the hook above has already answered 401 otherwise). */
export function callerOf(request: { caller: Caller | undefined }): Caller {
  if (request.caller === undefined) throw signInRequiredHere();
  return request.caller;
}
