// The benchmark's HTTP client: one undici pool per target, answers read whole, nothing thrown
// for a status (the caller decides what counts as an error).
import { Pool } from 'undici';

export interface Answer {
  status: number;
  body: unknown;
}

export interface BenchClient {
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options?: { token?: string; body?: unknown; timeoutMs?: number }): Promise<Answer>;
  close(): Promise<void>;
}

export function createBenchClient(origin: string, connections: number): BenchClient {
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  return {
    async call(method, path, options = {}) {
      const headers: Record<string, string> = {};
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
