// The benchmark's HTTP client: one undici pool per target, answers read whole, nothing thrown
// for a status (the caller decides what counts as an error).
import { Pool } from 'undici';

export interface Answer {
  status: number;
  body: unknown;
}

export interface BenchClient {
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options?: { token?: string; body?: unknown; timeoutMs?: number; headers?: Record<string, string> }): Promise<Answer>;
  close(): Promise<void>;
}

export function createBenchClient(origin: string, connections: number): BenchClient {
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  return {
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const timeout = options.timeoutMs ?? 30_000;
      const response = await pool.request({
        method,
        path,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const text = await response.body.text();
      let body: unknown = text;
      if (text !== '' && (response.headers['content-type'] ?? '').includes('json')) body = JSON.parse(text);
      return { status: response.statusCode, body };
    },
    close: () => pool.close(),
  };
}

/** Throws with the path, status and body, for seeding, where every call must succeed. */
export function expectStatus(answer: Answer, expected: number, what: string): Answer {
  if (answer.status !== expected) throw new Error(`${what}: expected ${expected}, got ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer;
}

/** Answers a client retries after a pause: the service was busy or unreachable, nothing was refused. */
const RETRYABLE = new Set([502, 503, 504]);

/**
 * Calls until the answer is not a 502/503/504 or a network error, at most `attempts` times with
 * a growing pause, as a well-behaved client does on a busy machine. Only for idempotent calls (a
 * PUT, a login, a POST with an Idempotency-Key); `onRetry` counts them for the report.
 */
export async function callRetrying(client: BenchClient, attempts: number, onRetry: () => void, ...args: Parameters<BenchClient['call']>): Promise<Answer & { attempt: number }> {
  for (let attempt = 1; ; attempt++) {
    let answer: Answer | undefined;
    try {
      answer = await client.call(...args);
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
    if (answer && (!RETRYABLE.has(answer.status) || attempt >= attempts)) return { ...answer, attempt };
    onRetry();
    // Long enough, after a few, for the gateway's breaker to half-open again.
    await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 2000)));
  }
}
