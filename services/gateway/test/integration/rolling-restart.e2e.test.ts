// Rolling restarts under load: two replicas of every service behind the platform's round-robin
// balancers; each replica in turn gets SIGTERM, drains, exits and starts again, while a steady
// load through the gateway (loopback only, bounded: ~25 requests/s) must see no failure at all.
import { randomUUID } from 'node:crypto';
import { type Platform, SERVICES, startPlatform } from '@chirp/testing/platform';
import { type Answer, type Api, createApi } from '@chirp/testing/public-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform({
    replicas: 2,
    // A drain longer than the balancer takes to drop a replica (three failed checks 200 ms apart,
    // each waiting up to 1 s for the other replica's readiness on a loaded machine), as a
    // Kubernetes drain outlasts failureThreshold × (period + timeout); the default 2 s may not.
    drainSeconds: 4,
    logLevel: 'warn',
    serviceEnv: {
      gateway: {
        RATE_LIMIT_SIGN_IN: '1000',
        RATE_LIMIT_POST: '10000',
        RATE_LIMIT_ANONYMOUS: '100000',
        RATE_LIMIT_AUTHENTICATED: '100000',
        // No retries: a request a stopping replica drops must fail here, not be rescued by the gateway.
        // A long timeout: on a busy machine a slow answer is not what this test is about.
        DOWNSTREAM_RETRIES: '0',
        DOWNSTREAM_TIMEOUT_MS: '8000',
      },
    },
  });
});

afterAll(async () => {
  await platform?.stop();
});

const call: Api['call'] = (method, path, options) => createApi(platform.gatewayUrl).call(method, path, { timeoutMs: 10_000, ...options });

async function signUp(handle: string): Promise<{ token: string; handle: string }> {
  expect((await call('POST', '/v1/auth/register', { body: { handle, password: `${handle}-password` } })).status).toBe(201);
  const login = await call('POST', '/v1/auth/login', { body: { handle, password: `${handle}-password` } });
  expect(login.status).toBe(200);
  return { token: login.body.accessToken as string, handle };
}

interface Outcome {
  at: number;
  what: string;
  status: number | string;
  /** A failure's problem code and detail, to say which hop failed. */
  problem?: string;
}

/** Requests one after another from each of `workers` loops, each loop pausing `pauseMs` between them, until stopped. */
function steadyLoad(workers: number, pauseMs: number, next: (worker: number, round: number) => Promise<Answer & { what: string }>) {
  const outcomes: Outcome[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let round = 0; running; round++) {
      const at = Date.now();
      try {
        const answer = await next(worker, round);
        outcomes.push({ at, what: answer.what, status: answer.status, ...(answer.status >= 400 ? { problem: `${String(answer.body.code)}: ${String(answer.body.detail)}` } : {}) });
      } catch (error) {
        outcomes.push({ at, what: 'request', status: (error as Error).message });
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  });
  return {
    outcomes,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe('rolling restart behind a round-robin', () => {
  it('when each replica of every service gets SIGTERM in turn and is started again, then a steady load through the gateway sees no failed request', async () => {
    const users: Array<{ token: string; handle: string }> = [];
    for (const handle of ['rolla', 'rollb', 'rollc', 'rolld']) users.push(await signUp(handle));
    for (const [index, user] of users.entries()) {
      const followee = users[(index + 1) % users.length]!;
      expect((await call('PUT', `/v1/users/me/following/${followee.handle}`, { token: user.token })).status).toBe(204);
    }
    const posted: string[] = [];
    const load = steadyLoad(5, 150, async (worker, round) => {
      const user = users[worker % users.length]!;
      switch (round % 4) {
        case 0: {
          const answer = await call('POST', '/v1/tweets', { token: user.token, body: { text: `rolling ${worker}/${round}` }, headers: { 'idempotency-key': randomUUID() } });
          if (answer.status === 201) posted.push(answer.body.id as string);
          return { ...answer, what: 'POST /v1/tweets' };
        }
        case 1:
          return { ...(await call('GET', '/v1/timelines/home?limit=20', { token: user.token })), what: 'GET /v1/timelines/home' };
        case 2:
          return { ...(await call('GET', `/v1/users/${user.handle}`)), what: 'GET /v1/users/{handle}' };
        default: {
          const id = posted.at(-1);
          if (!id) return { ...(await call('GET', '/v1/users/me', { token: user.token })), what: 'GET /v1/users/me' };
          return { ...(await call('GET', `/v1/tweets/${id}`)), what: 'GET /v1/tweets/{id}' };
        }
      }
    });

    const windows: Array<{ replica: string; from: number; to: number }> = [];
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      for (const name of SERVICES) {
        for (const [index, replica] of platform.replicas[name].entries()) {
          const from = Date.now();
          await replica.stop();
          // Resolves once the balancer has it back in rotation, as a rolling update waits for Ready.
          await replica.start();
          windows.push({ replica: `${name}-${index + 1}`, from, to: Date.now() });
        }
      }
    } finally {
      await load.stop();
    }

    const failed = load.outcomes.filter((outcome) => typeof outcome.status !== 'number' || outcome.status >= 500 || outcome.status === 429);
    expect(failed).toEqual([]);
    // The load ran through every restart, and did real work.
    for (const window of windows) {
      const during = load.outcomes.filter((outcome) => outcome.at >= window.from && outcome.at <= window.to);
      expect(during.length, `requests while ${window.replica} restarted`).toBeGreaterThan(5);
    }
    expect(posted.length).toBeGreaterThan(20);
    expect(load.outcomes.every((outcome) => outcome.status === 200 || outcome.status === 201)).toBe(true);
  }, 600_000);
});
