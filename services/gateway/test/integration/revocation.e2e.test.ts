// Signing out ends the session's access tokens at every gateway replica at once, though
// each replica verifies tokens locally and caches them: two replicas of each service as
// processes on the real stack, each gateway replica called on its own.
import { type Platform, startPlatform } from '@chirp/testing/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let platform: Platform;
let replicas: string[];

beforeAll(async () => {
  platform = await startPlatform({ replicas: 2, serviceEnv: { gateway: { RATE_LIMIT_AUTHENTICATED: '100000', RATE_LIMIT_SIGN_IN: '1000', RATE_LIMIT_SESSION: '1000' } } });
  replicas = platform.replicas.gateway.map((replica) => replica.url);
});

afterAll(async () => {
  await platform?.stop();
});

interface SignedIn {
  accessToken: string;
  refreshToken: string;
}

const post = async (gateway: string, path: string, body: object) => {
  const response = await fetch(`${gateway}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: response.status === 204 ? undefined : ((await response.json()) as SignedIn & { code?: string }) };
};
const me = async (gateway: string, accessToken: string) => (await fetch(`${gateway}/v1/users/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status;
/** The token works at the gateway; if not, the failure says why. */
async function expectAccepted(gateway: string, accessToken: string): Promise<void> {
  const response = await fetch(`${gateway}/v1/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(response.status, `${gateway}: ${await response.text()}`).toBe(200);
}

async function signUp(handle: string): Promise<() => Promise<SignedIn>> {
  const registered = await post(replicas[0]!, '/v1/auth/register', { handle, password: 'password-1' });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  return async () => (await post(replicas[1]!, '/v1/auth/login', { handle, password: 'password-1' })).body!;
}

/**
 * How soon after the session's end is acknowledged every replica must refuse its tokens. The
 * revocation is pushed to each replica through Redis, so on a quiet machine it is a round trip or
 * two; on a loaded CI machine the bound only tells a pushed revocation from one that was not (a
 * replica accepting its cached token until the token expires, or untilRefusedEverywhere's 5 s).
 */
const REVOKED_MS = 2000;

/** Milliseconds until every replica answers /me with 401 for the token; fails after 5 s. */
async function untilRefusedEverywhere(accessToken: string, since: number): Promise<number> {
  const refusedAt: number[] = [];
  for (const gateway of replicas) {
    for (;;) {
      if ((await me(gateway, accessToken)) === 401) break;
      if (Date.now() - since > 5000) throw new Error(`${gateway} still accepts the token 5 s after the session ended`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    refusedAt.push(Date.now() - since);
  }
  return Math.max(...refusedAt);
}

describe('revocation at every gateway replica', () => {
  it('when a user logs out, then the old access token gets 401 at both replicas at once; another session keeps working', async () => {
    const logIn = await signUp('revoke_out');
    const session = await logIn();
    const other = await logIn();
    // Both replicas have verified (and cached) the token before the logout.
    for (const gateway of replicas) await expectAccepted(gateway, session.accessToken);

    expect((await post(replicas[0]!, '/v1/auth/logout', { refreshToken: session.refreshToken })).status).toBe(204);
    const elapsed = await untilRefusedEverywhere(session.accessToken, Date.now());

    expect(elapsed).toBeLessThan(REVOKED_MS);
    for (const gateway of replicas) await expectAccepted(gateway, other.accessToken);
    const refused = await fetch(`${replicas[1]}/v1/tweets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'after logout' }),
    });
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([401, 'INVALID_TOKEN']);
  });

  it('when a spent refresh token is presented again, then every access token of that session gets 401 at both replicas at once', async () => {
    const logIn = await signUp('revoke_reuse');
    const first = await logIn();
    const second = (await post(replicas[0]!, '/v1/auth/refresh', { refreshToken: first.refreshToken })).body!;
    for (const gateway of replicas) {
      await expectAccepted(gateway, first.accessToken);
      await expectAccepted(gateway, second.accessToken);
    }

    const reuse = await post(replicas[1]!, '/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect([reuse.status, reuse.body?.code]).toEqual([401, 'REFRESH_TOKEN_REUSED']);
    const refusedAt = Date.now();

    expect(await untilRefusedEverywhere(first.accessToken, refusedAt)).toBeLessThan(REVOKED_MS);
    expect(await untilRefusedEverywhere(second.accessToken, refusedAt)).toBeLessThan(REVOKED_MS);
  });

  it('when a gateway replica starts after a logout, then it refuses the token from the start', async () => {
    const logIn = await signUp('revoke_late');
    const session = await logIn();
    const late = platform.replicas.gateway[1]!;
    await late.stop();
    expect((await post(replicas[0]!, '/v1/auth/logout', { refreshToken: session.refreshToken })).status).toBe(204);
    await late.start();
    expect(await me(late.url, session.accessToken)).toBe(401);
  });
});
