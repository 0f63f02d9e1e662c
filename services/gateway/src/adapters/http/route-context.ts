import type { FastifyRequest } from 'fastify';
import type { CallContext } from '../../use-cases/ports.ts';

/** What a downstream call carries from the request: its id, for the logs of every service. */
export const contextOf = (request: FastifyRequest): CallContext => ({ requestId: request.id });

/** The signed-in caller's id, for the `following` and `likedByMe` fields; undefined when signed out. */
export const viewerOf = (request: FastifyRequest): string | undefined => request.caller?.userId;

/** In the OpenAPI document: the route needs a signed-in caller. */
export const BEARER_SECURITY: Array<Record<string, string[]>> = [{ bearerAuth: [] }];
/** In the OpenAPI document: the route works signed out, and says more (`following`, `likedByMe`) signed in. */
export const OPTIONAL_BEARER_SECURITY: Array<Record<string, string[]>> = [{}, { bearerAuth: [] }];
