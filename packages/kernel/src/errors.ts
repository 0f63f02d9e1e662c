// The errors a client can cause, in domain terms: a stable code and a kind, never an HTTP
// status (@chirp/common/problems maps kinds to problem+json). Codes more than one service
// answers with are made here, so each is written once.

/** What went wrong, in domain terms; the HTTP mapping lives only in @chirp/common/problems. */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable';

/** Base of every error a client can cause: a stable machine-readable code and a kind, never a status. */
export class DomainError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  /** Seconds after which a retry may succeed (rate limits, unavailable dependencies). */
  readonly retryAfterSeconds: number | undefined;
  constructor(kind: ErrorKind, code: string, message: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'DomainError';
    this.kind = kind;
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A downstream service or store cannot answer now; clients see 503 with Retry-After. */
export class DependencyUnavailableError extends DomainError {
  readonly dependency: string;
  constructor(dependency: string, reason: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super('unavailable', 'DEPENDENCY_UNAVAILABLE', `${dependency} is unavailable: ${reason}`, {
      retryAfterSeconds: options.retryAfterSeconds ?? 5,
      cause: options.cause,
    });
    this.name = 'DependencyUnavailableError';
    this.dependency = dependency;
  }
}

/** A user id or handle that names no user (the user service, and the gateway for handles no user can have). */
export const userNotFound = (): DomainError => new DomainError('not_found', 'USER_NOT_FOUND', 'No such user.');

/** A list cursor that is not the nextCursor of an earlier page. */
export const invalidCursor = (): DomainError =>
  new DomainError('invalid', 'INVALID_CURSOR', 'The cursor is malformed; pass the nextCursor of a previous page unchanged.');

/** A search query no search can run (the user and tweet services each say why). */
export const invalidSearchQuery = (reason: string): DomainError => new DomainError('invalid', 'INVALID_SEARCH_QUERY', `The search query ${reason}.`);
