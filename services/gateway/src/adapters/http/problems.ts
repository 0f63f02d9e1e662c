import { type TSchema, Type } from '@sinclair/typebox';

/** RFC 9457 problem details, as every error answer carries them. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ format: 'uri' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable and machine-readable; the list of codes each answer may carry is in its description.' }),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), { description: 'Each invalid field, for VALIDATION_FAILED' })),
  },
  { $id: 'Problem' },
);

const PROBLEM_TYPE = 'application/problem+json';

/** Error answers by status, each with the codes it may carry. */
export type ErrorCodes = Partial<Record<number, readonly string[]>>;

const MEANING: Record<number, string> = {
  400: 'Invalid input',
  401: 'No valid access token, or wrong credentials',
  403: 'Not allowed for this caller',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict with the current state',
  413: 'Body too large',
  414: 'A path segment is too long',
  415: 'Body is not application/json',
  429: 'Rate limited: retry after `Retry-After` seconds; the `RateLimit-*` headers say the budget',
  431: 'The request line and headers are too large',
  503: 'A service behind the gateway is unavailable: retry after `Retry-After` seconds',
};

/** What every public route can answer, whatever it does. */
export const EVERY_ROUTE: ErrorCodes = { 429: ['RATE_LIMITED'], 431: ['HEADERS_TOO_LARGE'], 503: ['DEPENDENCY_UNAVAILABLE'] };
/** A route that needs the caller signed in. */
export const SIGNED_IN: ErrorCodes = { 401: ['UNAUTHENTICATED', 'INVALID_TOKEN'] };
/** A route that works signed out; a token that is sent must still be valid. */
export const SIGNED_IN_OPTIONAL: ErrorCodes = { 401: ['INVALID_TOKEN'] };
/** A route with path or query parameters; a path segment past Fastify's bound (100 characters) is 414. */
export const PARAMETERS: ErrorCodes = { 400: ['VALIDATION_FAILED'], 414: ['URI_TOO_LONG'] };
/** A route that takes a JSON body. */
export const JSON_BODY: ErrorCodes = {
  400: ['VALIDATION_FAILED', 'MALFORMED_JSON', 'EMPTY_JSON_BODY', 'INVALID_CONTENT_LENGTH'],
  413: ['BODY_TOO_LARGE'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
};
/** A route that takes no body (and refuses one). */
export const NO_BODY: ErrorCodes = { 400: ['UNEXPECTED_BODY'] };
/** A list route. */
export const PAGED: ErrorCodes = { 400: ['VALIDATION_FAILED', 'INVALID_CURSOR'] };

/** Merges code lists into response schemas: the serializer's and the OpenAPI document's. */
export function errorResponses(...lists: ErrorCodes[]): Record<number, ProblemResponse> {
  const merged = new Map<number, Set<string>>();
  for (const list of lists) {
    for (const [status, codes] of Object.entries(list)) {
      const set = merged.get(Number(status)) ?? new Set<string>();
      for (const code of codes ?? []) set.add(code);
      merged.set(Number(status), set);
    }
  }
  const responses: Record<number, ProblemResponse> = {};
  for (const [status, codes] of [...merged].sort(([a], [b]) => a - b)) {
    const list = [...codes].sort();
    responses[status] = {
      description: `${MEANING[status] ?? 'Error'}. Codes: ${list.join(', ')}.`,
      content: { [PROBLEM_TYPE]: { schema: Type.Ref(ProblemSchema) } },
    };
  }
  return responses;
}

interface ProblemResponse {
  description: string;
  content: Record<typeof PROBLEM_TYPE, { schema: TSchema }>;
}
