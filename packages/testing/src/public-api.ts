// A plain client of the public API for end-to-end drivers (the chaos workload, the rolling
// restart test): JSON in and out, a timeout per call; an answer of any status is returned, a
// network failure or a timeout throws.
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export interface Api {
  call(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number }): Promise<Answer>;
}

export function createApi(baseUrl: string): Api {
  return {
    async call(method, path, options = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      const text = await response.text();
      return { status: response.status, body: parseBody(text) };
    },
  };
}

/** An answer's JSON, or its text when a hop in front answered something else. */
function parseBody(text: string): Record<string, unknown> {
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { text };
  }
}
