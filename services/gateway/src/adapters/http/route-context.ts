import type { FastifyRequest } from 'fastify';
import type { GatewayUseCases } from '../../use-cases/gateway-use-cases.ts';
import type { CallContext, MediaService, TimelineService, TweetService, UserService } from '../../use-cases/ports.ts';

/** The services behind the gateway, which forwarding routes call directly. */
export interface Downstreams {
  users: UserService;
  tweets: TweetService;
  timelines: TimelineService;
  media: MediaService;
}

/** What the public routes call: a downstream's port where they forward, a use case where the gateway composes. */
export type RouteDeps = Downstreams & GatewayUseCases;

/** What a downstream call carries from the request: its id, for the logs of every service. */
export const contextOf = (request: FastifyRequest): CallContext => ({ requestId: request.id });

/** The signed-in caller's id, for the `following` and `likedByMe` fields; undefined when signed out. */
export const viewerOf = (request: FastifyRequest): string | undefined => request.caller?.userId;

/** In the OpenAPI document: the route needs a signed-in caller. */
export const BEARER_SECURITY: Array<Record<string, string[]>> = [{ bearerAuth: [] }];
/** In the OpenAPI document: the route works signed out, and says more (`following`, `likedByMe`) signed in. */
export const OPTIONAL_BEARER_SECURITY: Array<Record<string, string[]>> = [{}, { bearerAuth: [] }];
