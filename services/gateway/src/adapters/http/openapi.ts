import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { ENFORCED } from './schemas.ts';

/** The document states the rules owning services enforce (schemas.ts, ENFORCED) as schema keywords. */
function stateEnforcedRules(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stateEnforcedRules);
  if (typeof node !== 'object' || node === null) return node;
  const { [ENFORCED]: rule, ...rest } = node as Record<string, unknown>;
  const stated = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, stateEnforcedRules(value)]));
  return typeof rule === 'object' && rule !== null ? { ...stated, ...rule } : stated;
}

const DESCRIPTION = `The one public API of Chirp, for web and mobile clients.

- JSON in and out; errors are RFC 9457 problem details (\`application/problem+json\`) with a stable \`code\`.
  Each answer below lists the codes it may carry. Any request may also meet 400 \`BAD_URL\` (a malformed URL),
  404 \`ROUTE_NOT_FOUND\` (no such path), 405 \`METHOD_NOT_ALLOWED\` with an \`Allow\` header (the path exists,
  the method does not), 408 \`REQUEST_TIMEOUT\`, 431 \`HEADERS_TOO_LARGE\` (request line and headers over 16 KiB)
  and 400 \`MALFORMED_REQUEST\` (not HTTP/1.1); any request that sends a body, 413 \`BODY_TOO_LARGE\`,
  415 \`UNSUPPORTED_MEDIA_TYPE\` and 400 \`MALFORMED_JSON\`.
- Field rules that a service enforces with a code of its own (\`INVALID_HANDLE\`, \`BIO_TOO_LONG\`...) are stated
  in the schemas (pattern, minLength, maxLength) and answered 400 with that code.
- Sign in with \`POST /v1/auth/login\`; send the access token as \`Authorization: Bearer <token>\`. It lasts minutes:
  trade the refresh token for new ones at \`POST /v1/auth/refresh\`.
- Ids are 64-bit and travel as decimal strings. Lists are pages, \`{ data, nextCursor }\`; pass \`nextCursor\` back as \`cursor\`.
- Every answer carries \`RateLimit-Limit\`, \`RateLimit-Remaining\`, \`RateLimit-Reset\` and \`RateLimit-Policy\`;
  past the budget, 429 with \`Retry-After\`.
- Every answer carries \`x-request-id\` (yours, if you sent one); quote it when reporting a problem.`;

const DOCS_PAGE = {
  get: { tags: ['documents'], operationId: 'getDocs', summary: 'Interactive docs (Swagger UI) for this document', responses: { 200: { description: 'HTML' } } },
};

/**
 * The OpenAPI 3.1 document, built from the schemas the routes validate and serialize with, at
 * `/openapi.json`, and the interactive docs at `/docs`. Registered before any route, so it sees them all.
 */
export function registerOpenApi(app: FastifyInstance): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Chirp API', version: '1.0.0', description: DESCRIPTION },
      tags: [
        { name: 'auth', description: 'Accounts and sessions' },
        { name: 'users', description: 'Profiles and the follow graph' },
        { name: 'tweets', description: 'Tweets, replies and likes' },
        { name: 'timelines', description: 'Home timeline' },
        { name: 'search', description: 'Search' },
        { name: 'media', description: 'Pictures for tweets and avatars, uploaded straight to storage with a presigned form' },
        { name: 'operations', description: 'For operators and orchestrators: probes and metrics, not for clients' },
        { name: 'documents', description: 'This document' },
      ],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    // Shared schemas keep their names (User, Tweet, Media, Problem) in components.schemas.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    // swagger-ui's own routes are hidden from the document; its entry page is not.
    transformObject: (documentObject) => {
      if (!('openapiObject' in documentObject)) throw new Error('the gateway documents OpenAPI 3.1, not Swagger 2');
      const document = documentObject.openapiObject;
      return stateEnforcedRules({ ...document, paths: { ...document.paths, '/docs': DOCS_PAGE } }) as typeof document;
    },
  });
  // No validator badge: it would send the document to validator.swagger.io from every browser.
  void app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { url: '/openapi.json', deepLinking: true, validatorUrl: null } });
  void app.register(async (documents) => {
    documents.get(
      '/openapi.json',
      { schema: { tags: ['documents'], operationId: 'getOpenApiDocument', summary: 'This OpenAPI 3.1 document' } },
      async () => app.swagger(),
    );
  });
}
