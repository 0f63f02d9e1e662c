import { InvalidTokenError } from '@chirp/common/auth';
import { invalidLastEventId, signInRequired } from '../../domain/gateway-errors.ts';
import { isValidId } from '@chirp/kernel/ids';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { VerifyAccessToken } from './authentication.ts';
import type { EventStreams } from './event-streams.ts';
import { errorResponses, EVERY_ROUTE, NO_BODY, SIGNED_IN } from './problems.ts';
import { BEARER_SECURITY, contextOf } from './route-context.ts';

const StreamQuery = Type.Object(
  { access_token: Type.Optional(Type.String({ maxLength: 4096, description: "The access token, for browsers' EventSource (which cannot send headers)" })) },
  { additionalProperties: false },
);
const BEARER = /^Bearer +(\S+) *$/i;
const unauthenticated = () => signInRequired('the stream needs an access token (Authorization: Bearer <token>, or ?access_token=)');

/**
 * GET /v1/streaming: Server-Sent Events (../shared/api/v1.md, "Additions", Streaming). The
 * token comes in the Authorization header or the `access_token` query parameter, so this route
 * authenticates itself (the shared hook reads only the header); anything wrong with it is a 401
 * problem before the stream starts. Once open, the reply is the stream's own.
 */
export function registerStreamingRoutes(parent: FastifyInstance, deps: { streams: EventStreams; verifyAccessToken: VerifyAccessToken }): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('preClose', async () => deps.streams.closeAll());
  app.get(
    '/v1/streaming',
    {
      schema: {
        operationId: 'openStream',
        tags: ['streaming'],
        summary: "The caller's live events: `notification`, `update` (a Tweet entering the home timeline), `delete` ({ id })",
        description:
          'Server-Sent Events. A notification carries its id as the SSE id; reconnecting with Last-Event-ID first replays every notification missed, in order. A comment line goes out at least every 30 s. An expired token ends the stream.',
        security: BEARER_SECURITY,
        querystring: StreamQuery,
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 32 })) }),
        response: {
          200: { description: 'The event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...errorResponses(EVERY_ROUTE, SIGNED_IN, NO_BODY, { 400: ['VALIDATION_FAILED', 'INVALID_LAST_EVENT_ID'] }),
        },
      },
    },
    async (request, reply) => {
      const header = request.headers.authorization;
      const token = header === undefined ? request.query.access_token : BEARER.exec(header)?.[1];
      if (token === undefined || token === '') {
        void reply.header('www-authenticate', header === undefined ? 'Bearer' : 'Bearer error="invalid_token"');
        throw header === undefined ? unauthenticated() : new InvalidTokenError('the Authorization header is not "Bearer <token>"');
      }
      let claims;
      try {
        claims = await deps.verifyAccessToken(token);
      } catch (error) {
        if (error instanceof InvalidTokenError) void reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw error;
      }
      const lastEventId = request.headers['last-event-id'];
      if (lastEventId !== undefined && !isValidId(lastEventId)) throw invalidLastEventId();
      const stream = await deps.streams.prepare({ userId: claims.userId, sessionId: claims.sessionId, expiresAt: claims.expiresAt, lastEventId, ctx: contextOf(request) });
      reply.hijack();
      // The headers the hooks set (request id, CORS, security, rate limits) go out with the stream's own.
      const head: Record<string, string | number | string[]> = {};
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) head[name] = value;
      stream.start(reply.raw, {
        ...head,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // Proxies that buffer (nginx) pass events through at once.
        'x-accel-buffering': 'no',
      });
    },
  );
}
