import CircuitBreaker from 'opossum';
import { Agent, errors as undiciErrors, request as undiciRequest } from 'undici';
import { DependencyUnavailableError } from '@chirp/kernel/errors';
import { REQUEST_ID_HEADER } from './logging.ts';

export interface ServiceRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** The request id of the call being served, passed downstream for tracing. */
  requestId?: string;
  /** Overrides the method's default: GET, PUT and DELETE are idempotent, POST and PATCH are not. */
  idempotent?: boolean;
}

export interface ServiceResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface ServiceClientOptions {
  /** The downstream's name, used in errors, logs and breaker metrics (`tweet`, `timeline`). */
  name: string;
  baseUrl: string;
  timeoutMs?: number;
  /** Retries after the first try, for idempotent calls only. */
  retries?: number;
  retryBaseDelayMs?: number;
  breaker?: {
    /** Percentage of failures in the rolling window that opens the breaker. */
    errorThresholdPercentage?: number;
    /** Calls in the window before the percentage counts (a few failures at start-up do not trip it). */
    volumeThreshold?: number;
    rollingCountTimeoutMs?: number;
    resetTimeoutMs?: number;
  };
  connections?: number;
  onBreakerStateChange?: (name: string, state: 'open' | 'half_open' | 'closed') => void;
  /** Called once per attempt with its outcome (a status code, or `error`), for latency metrics. */
  onAttempt?: (attempt: { name: string; method: string; outcome: string; seconds: number }) => void;
}

export interface ServiceClient {
  request<T = unknown>(request: ServiceRequest): Promise<ServiceResponse<T>>;
  readonly breakerState: 'open' | 'half_open' | 'closed';
  close(): Promise<void>;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'PUT', 'DELETE']);
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

/**
 * A failed attempt. The message names the path and the network error, for the log; the
 * `publicReason` names neither, because it reaches clients through the 503's detail.
 */
class DownstreamFailure extends Error {
  readonly retryable: boolean;
  readonly publicReason: string;
  constructor(message: string, publicReason: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.publicReason = publicReason;
    this.retryable = retryable;
  }
}

/**
 * HTTP client for one downstream service: a keep-alive connection pool, a timeout
 * on every call, jittered retries for idempotent calls only, and a circuit breaker.
 * 4xx answers are the caller's business and never trip the breaker; connection
 * failures, timeouts and 5xx do. An open breaker fails fast with DependencyUnavailableError (503).
 */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const timeoutMs = options.timeoutMs ?? 2000;
  const retries = options.retries ?? 2;
  const retryBase = options.retryBaseDelayMs ?? 50;
  const resetTimeoutMs = options.breaker?.resetTimeoutMs ?? 5000;
  const dispatcher = new Agent({
    connections: options.connections ?? 64,
    keepAliveTimeout: 30_000,
    connectTimeout: timeoutMs,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const base = new URL(options.baseUrl);

  /**
   * Runs one attempt, sending and reading the whole answer, under a deadline that is cleared as
   * soon as it is done. Not AbortSignal.timeout: its timer cannot be cleared, so every call,
   * answered or not, built a TimeoutError (a DOMException with its stack) when it fired, 2 s later
   * (4 % of the gateway's CPU).
   */
  const withDeadline = async <T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    try {
      return await work(deadline.signal);
    } finally {
      clearTimeout(timer);
    }
  };

  const attempt = async (req: ServiceRequest): Promise<ServiceResponse> => {
    const url = new URL(req.path, base);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (req.requestId) headers[REQUEST_ID_HEADER] = req.requestId;
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    const observe = (outcome: string) =>
      options.onAttempt?.({ name: options.name, method: req.method, outcome, seconds: (performance.now() - started) / 1000 });
    const { response, text } = await withDeadline(async (signal) => {
      let answer: Awaited<ReturnType<typeof undiciRequest>>;
      try {
        answer = await undiciRequest(url, {
          method: req.method,
          headers,
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
          dispatcher,
          signal,
        });
      } catch (error) {
        observe('error');
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        throw new DownstreamFailure(`${req.method} ${url.toString()} failed: ${describe(error)}`, timedOut ? 'timed out' : 'could not be reached', true, {
          cause: error,
        });
      }
      try {
        return { response: answer, text: await answer.body.text() };
      } catch (error) {
        observe('error');
        throw new DownstreamFailure(`${req.method} ${url.toString()} broke off its answer: ${describe(error)}`, 'broke off its answer', true, { cause: error });
      }
    });
    observe(String(response.statusCode));
    if (response.statusCode >= 500) {
      const status = response.statusCode;
      throw new DownstreamFailure(`${req.method} ${url.toString()} answered ${status}: ${text.slice(0, 300)}`, `answered ${status}`, RETRYABLE_STATUSES.has(status));
    }
    const type = String(response.headers['content-type'] ?? '');
    const body = text !== '' && type.includes('json') ? (JSON.parse(text) as unknown) : text;
    return { status: response.statusCode, headers: response.headers, body };
  };

  const withRetries = async (req: ServiceRequest): Promise<ServiceResponse> => {
    const idempotent = req.idempotent ?? IDEMPOTENT_METHODS.has(req.method);
    const tries = idempotent ? retries + 1 : 1;
    for (let n = 1; ; n += 1) {
      try {
        return await attempt(req);
      } catch (error) {
        if (n >= tries || !(error instanceof DownstreamFailure) || !error.retryable) throw error;
        // Full jitter keeps replicas from retrying in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * retryBase * 2 ** (n - 1)));
      }
    }
  };

  const breaker = new CircuitBreaker(withRetries, {
    name: options.name,
    // The breaker's own timeout covers the whole retried call.
    timeout: timeoutMs * (retries + 1) + retryBase * 2 ** retries,
    errorThresholdPercentage: options.breaker?.errorThresholdPercentage ?? 50,
    volumeThreshold: options.breaker?.volumeThreshold ?? 10,
    rollingCountTimeout: options.breaker?.rollingCountTimeoutMs ?? 10_000,
    resetTimeout: resetTimeoutMs,
  });
  let state: 'open' | 'half_open' | 'closed' = 'closed';
  const setState = (next: typeof state) => {
    state = next;
    options.onBreakerStateChange?.(options.name, next);
  };
  breaker.on('open', () => setState('open'));
  breaker.on('halfOpen', () => setState('half_open'));
  breaker.on('close', () => setState('closed'));

  return {
    get breakerState() {
      return state;
    },
    async request<T>(req: ServiceRequest): Promise<ServiceResponse<T>> {
      try {
        return (await breaker.fire(req)) as ServiceResponse<T>;
      } catch (error) {
        const retryAfterSeconds = Math.ceil(resetTimeoutMs / 1000);
        const code = (error as { code?: string }).code;
        // Open, or half-open with its one trial call in flight: either way this call was not made.
        if (breaker.opened || code === 'EOPENBREAKER' || code === 'ESEMLOCKED') {
          throw new DependencyUnavailableError(options.name, 'circuit breaker open after repeated failures', { retryAfterSeconds, cause: error });
        }
        if (error instanceof DownstreamFailure) {
          throw new DependencyUnavailableError(options.name, error.publicReason, { retryAfterSeconds, cause: error });
        }
        if (code === 'ETIMEDOUT') {
          // opossum's own timeout: the retried call as a whole ran too long.
          throw new DependencyUnavailableError(options.name, 'timed out', { retryAfterSeconds, cause: error });
        }
        // Anything else (a JSON body that does not parse) is a bug between services, not an outage.
        throw error;
      }
    },
    async close() {
      breaker.shutdown();
      await dispatcher.close();
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  if (error instanceof undiciErrors.UndiciError) return `${error.code}: ${error.message}`;
  const code = (error as { code?: string }).code;
  return code ? `${code} ${(error as Error).message}` : (error as Error).message;
}
