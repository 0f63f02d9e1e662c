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

/**
 * One call, tried again a little later (1 s, 2 s, …) while the platform answers 503 (a store or a
 * service slow on a busy shared machine), up to `attempts` times: for tests whose load only has to arrive.
 * Only for calls that may land twice (an earlier attempt that timed out may have been done).
 */
export async function callUntilServed(api: Api, method: string, path: string, options: Parameters<Api['call']>[2] = {}, attempts = 5): Promise<Answer & { attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    const answer = await api.call(method, path, { timeoutMs: 30_000, ...options });
    if (answer.status !== 503 || attempt >= attempts) return { ...answer, attempts: attempt };
    await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
  }
}

/** Registers `handle` and signs it in through the gateway; returns its access token. */
export async function signUp(api: Api, handle: string): Promise<string> {
  const password = `${handle}-password`;
  const registered = await callUntilServed(api, 'POST', '/v1/auth/register', { body: { handle, password } });
  // 409 after a 503: the first attempt registered the handle before its answer was lost.
  if (registered.status !== 201 && !(registered.status === 409 && registered.attempts > 1)) throw new Error(`registering ${handle}: ${registered.status} ${JSON.stringify(registered.body)}`);
  const login = await callUntilServed(api, 'POST', '/v1/auth/login', { body: { handle, password } });
  if (login.status !== 200) throw new Error(`signing ${handle} in: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body.accessToken as string;
}
