// Errors as HTTP answers: every error kind's status, RFC 9457 problem+json, and the one Fastify
// error handler. The errors themselves are in @chirp/kernel/errors.
import type { Socket } from 'node:net';
import { DependencyUnavailableError, DomainError, type ErrorKind } from '@chirp/kernel/errors';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

const KIND_BY_STATUS = new Map(Object.entries(STATUS_BY_KIND).map(([kind, status]) => [status, kind as ErrorKind]));

/**
 * A problem+json answer from another Chirp service, raised again as the same error (status,
 * code, detail), so a caller answers its client as the service answered it. Undefined when the
 * answer is not a problem this mapping knows.
 */
export function errorFromProblem(status: number, body: unknown): DomainError | undefined {
  const kind = KIND_BY_STATUS.get(status);
  if (kind === undefined || typeof body !== 'object' || body === null) return undefined;
  const { code, detail } = body as { code?: unknown; detail?: unknown };
  if (typeof code !== 'string') return undefined;
  return new DomainError(kind, code, typeof detail === 'string' ? detail : code);
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: Array<{ path: string; message: string }>;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, code: string, detail: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  return {
    type: `https://chirp.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    detail,
    code,
    ...extra,
  };
}

/** Fastify's own client errors, by their FST_ code, with the stable code clients see. */
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; code: string; detail?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'BODY_TOO_LARGE', detail: 'The request body is larger than this endpoint accepts.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'Send the body as application/json.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'INVALID_CONTENT_LENGTH' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'EMPTY_JSON_BODY', detail: 'The body is empty but the content type is application/json.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', detail: 'The body is not valid JSON.' },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_URL' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'URI_TOO_LONG', detail: 'A path segment of the URL is longer than any this API accepts.' },
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'Send the body as application/json.' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'BAD_REQUEST' },
};

/** SQLSTATEs that mean the database cannot serve now, not that the request is wrong. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '53300', '53400']);
const UNREACHABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);
/** node-postgres reports a dropped connection and a pool wait that timed out only in the message. */
const POOL_FAILURE = /^(timeout exceeded when trying to connect|Connection terminated)/;

/** Cassandra driver errors (by name: this package does not load the driver) that mean no node could serve now. */
const CASSANDRA_UNAVAILABLE = new Set(['NoHostAvailableError', 'OperationTimedOutError', 'BusyConnectionError']);
/** Cassandra server answers that mean "not now" (unavailable, overloaded, bootstrapping, read/write timeout). */
const CASSANDRA_RETRYABLE_CODES = new Set([0x1000, 0x1001, 0x1002, 0x1100, 0x1200]);
/** ioredis reports a lost or closed connection, a full offline queue and a command timeout only in the message or name. */
const REDIS_FAILURE = /^(Connection is closed|Stream isn't writeable|Command timed out|Reached the max retries per request limit)/;

/**
 * True when `error` (or an error it wraps) says a store or downstream is down, unreachable,
 * overloaded or timing out: Postgres connection failures and their SQLSTATEs, socket errnos,
 * Cassandra's NoHostAvailable/OperationTimedOut/unavailable answers and connections closed
 * under a request, Redis connection errors,
 * and a `DependencyUnavailableError` (a downstream's 503 or an open breaker). Such a failure
 * says nothing about the request or the event: retrying it later can succeed.
 */
export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (error instanceof DomainError) return error.kind === 'unavailable';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNREACHABLE_ERRNOS.has(code))) return true;
  if (POOL_FAILURE.test(error.message) || REDIS_FAILURE.test(error.message) || error.name === 'MaxRetriesPerRequestError') return true;
  if (CASSANDRA_UNAVAILABLE.has(error.name)) return true;
  // The driver's connection closed under a request (the node was killed or restarted): a
  // non-idempotent statement is not retried on another connection, so this reaches the caller.
  if (error.name === 'DriverError' && (error as { isSocketError?: unknown }).isSocketError === true) return true;
  if (error.name === 'ResponseError' && typeof code === 'number' && CASSANDRA_RETRYABLE_CODES.has(code)) return true;
  const inner: unknown[] = [error.cause, ...(error instanceof AggregateError ? (error.errors as unknown[]) : [])];
  return inner.some((cause) => isDependencyUnavailable(cause, depth + 1));
}

/**
 * A store that is down, unreachable or timing out: clients get 503 with Retry-After, not a
 * 500, and the log keeps the original error. Undefined for anything else.
 */
function unavailableStoreError(error: unknown): DependencyUnavailableError | undefined {
  if (!(error instanceof Error) || error instanceof DomainError) return undefined;
  // The detail names no host: clients learn that a store failed, operators read the log.
  return isDependencyUnavailable(error)
    ? new DependencyUnavailableError('a data store', 'it did not answer in time; retry shortly', { retryAfterSeconds: 2, cause: error })
    : undefined;
}

/** Maps any thrown error to an RFC 9457 answer; the only place statuses are chosen. */
export function toProblem(error: FastifyError | Error): ProblemDetails {
  if (error instanceof DomainError) return problem(STATUS_BY_KIND[error.kind], error.code, error.message);

  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const context = fastifyError.validationContext ?? 'request';
    const errors = fastifyError.validation.map((issue) => ({
      path: `${context}${issue.instancePath || ''}`,
      message: describeValidationIssue(issue),
    }));
    return problem(400, 'VALIDATION_FAILED', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  const known = fastifyError.code ? FASTIFY_CLIENT_ERRORS[fastifyError.code] : undefined;
  if (known) return problem(known.status, known.code, known.detail ?? error.message);
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return problem(400, 'MALFORMED_JSON', 'The body is not valid JSON.');
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return problem(status, 'BAD_REQUEST', error.message);
  }
  return problem(500, 'INTERNAL', 'An unexpected error occurred; it has been logged with the request id.');
}

function describeValidationIssue(issue: { keyword: string; message?: string; params: Record<string, unknown> }): string {
  if (issue.keyword === 'additionalProperties') return `unknown field '${String(issue.params.additionalProperty)}'`;
  if (issue.keyword === 'required') return `missing field '${String(issue.params.missingProperty)}'`;
  return issue.message ?? issue.keyword;
}

/** What Node's HTTP parser refuses before Fastify sees a request, by its error code. */
const PARSER_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', detail: 'The request line and headers together are larger than this API accepts (16 KiB).' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', detail: 'The whole request did not arrive in time.' },
};

/**
 * Answers a request Node's HTTP parser refused (headers too large, a timeout, not HTTP at all)
 * as problem+json, like every other error, then closes the connection: it cannot be trusted.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return;
  const known = PARSER_ERRORS[error.code ?? ''] ?? { status: 400, code: 'MALFORMED_REQUEST', detail: 'The request is not valid HTTP/1.1.' };
  const body = JSON.stringify(problem(known.status, known.code, known.detail));
  socket.end(
    `HTTP/1.1 ${known.status} ${TITLES[known.status]}\r\nConnection: close\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function sendProblem(reply: FastifyReply, details: ProblemDetails, retryAfterSeconds?: number): FastifyReply {
  if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(Math.ceil(retryAfterSeconds)));
  return reply.code(details.status).type('application/problem+json').send(details);
}

/**
 * Installs the one error handler, and for a URL no route serves: 405 with `Allow` when the path
 * is served under other methods, else 404. Routes are learned as they are registered.
 */
export function installProblemHandlers(app: FastifyInstance): void {
  const routes: Array<{ path: RegExp; method: string }> = [];
  app.addHook('onRoute', (route) => {
    // `*` (the CORS preflight) matches everything; it says nothing about which methods a path has.
    if (route.url === '*') return;
    const path = new RegExp(`^${route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+').replace(/\*/g, '.*')}$`);
    for (const method of [route.method].flat()) routes.push({ path, method });
  });

  app.setErrorHandler((raised: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const error = unavailableStoreError(raised) ?? raised;
    const details = { ...toProblem(error), instance: request.url.split('?')[0] };
    if (details.status >= 500 && !(error instanceof DomainError)) {
      request.log.error({ err: error, route: request.routeOptions.url }, 'unhandled error while serving request');
    } else if (details.status >= 500) {
      request.log.warn({ err: raised, code: details.code, route: request.routeOptions.url }, 'dependency unavailable while serving request');
    }
    const retryAfter = error instanceof DomainError ? error.retryAfterSeconds : undefined;
    return sendProblem(reply, details, retryAfter);
  });
  const answerUnrouted = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = [...new Set(routes.filter((route) => route.path.test(path)).map((route) => route.method))].sort();
    if (allowed.length > 0) {
      void reply.header('allow', allowed.join(', '));
      return sendProblem(reply, problem(405, 'METHOD_NOT_ALLOWED', `${request.method} is not served at ${path}; it answers ${allowed.join(', ')}.`, { instance: path }));
    }
    return sendProblem(reply, problem(404, 'ROUTE_NOT_FOUND', `No route ${request.method} ${path}.`, { instance: path }));
  };
  // Answered before the body is read (after the onRequest hooks: request id, rate limits):
  // Fastify parses the body of an unrouted request too, so a QUERY without Content-Type was 415
  // and a body where none is taken 400, where the answer is 405 or 404.
  app.addHook('preParsing', async (request, reply, payload) => {
    if (request.is404) return answerUnrouted(request, reply);
    return payload;
  });
  app.setNotFoundHandler(answerUnrouted);
}
