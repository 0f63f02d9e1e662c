import type { FastifyRequest } from 'fastify';
import type { CallContext } from '../../use-cases/ports.ts';

/** What a downstream call carries from the request: its id, for the logs of every service. */
export const contextOf = (request: FastifyRequest): CallContext => ({ requestId: request.id });

/** The signed-in caller's id, for the `following` and `likedByMe` fields; undefined when signed out. */
export const viewerOf = (request: FastifyRequest): string | undefined => request.caller?.userId;

/** Marks a route as needing a signed-in caller, in the OpenAPI document and in the authentication hook. */
export const BEARER_SECURITY = [{ bearerAuth: [] }];
