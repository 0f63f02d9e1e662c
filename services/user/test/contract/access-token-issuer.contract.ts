// One suite for every AccessTokenIssuer: the fake (unit) and RS256 (integration) must behave
// alike, so the login and refresh tests that trust the fake are trusting the signed tokens. Each
// implementation comes with the reader its tokens meet (for RS256, the gateway's own verifier).
import { randomUUID } from 'node:crypto';
import type { SettableClock } from '@chirp/testing/fakes';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccessTokenIssuer } from '../../src/use-cases/ports.ts';

export interface AccessTokensUnderTest {
  issuer: AccessTokenIssuer;
  /** The clock the issuer reads. */
  clock: SettableClock;
  /** What the token's reader makes of it now; rejects a token it refuses. */
  read(token: string): Promise<{ userId: string; sessionId: string; handle: string | undefined; expiresAt: Date }>;
}

/** Now, to the whole second (tokens count time in seconds), so a reader that uses the real time accepts what is issued. */
const thisSecond = () => new Date(Math.floor(Date.now() / 1000) * 1000);

export function accessTokenIssuerContract(name: string, make: () => Promise<AccessTokensUnderTest>): void {
  describe(`AccessTokenIssuer contract: ${name}`, () => {
    let tokens: AccessTokensUnderTest;
    beforeEach(async () => {
      tokens = await make();
      tokens.clock.set(thisSecond());
    });

    it('when a token is issued, then reading it back names the user, the session and the handle, and it expires expiresInSeconds after issue', async () => {
      const issuedAt = tokens.clock.now();
      const subject = { userId: '7000000000000000123', sessionId: randomUUID(), handle: 'Ada_L' };
      const { accessToken, expiresInSeconds } = tokens.issuer.issue(subject);
      expect(Number.isInteger(expiresInSeconds) && expiresInSeconds > 0).toBe(true);
      expect(await tokens.read(accessToken)).toEqual({ ...subject, expiresAt: new Date(issuedAt.getTime() + expiresInSeconds * 1000) });
    });

    it('when tokens are issued for two sessions of one user and for another user, then no two are alike and each reads back as its own', async () => {
      const subjects = [
        { userId: '7000000000000000201', sessionId: randomUUID(), handle: 'grace' },
        { userId: '7000000000000000201', sessionId: randomUUID(), handle: 'grace' },
        { userId: '7000000000000000202', sessionId: randomUUID(), handle: 'linus' },
      ];
      const issued = subjects.map((subject) => tokens.issuer.issue(subject).accessToken);
      expect(new Set(issued).size).toBe(subjects.length);
      const read = await Promise.all(issued.map((token) => tokens.read(token)));
      expect(read.map(({ userId, sessionId, handle }) => ({ userId, sessionId, handle }))).toEqual(subjects);
    });

    it('when a token has outlived its expiresInSeconds, then its reader refuses it', async () => {
      const now = tokens.clock.now();
      const subject = { userId: '7000000000000000301', sessionId: randomUUID(), handle: 'margaret' };
      const { expiresInSeconds } = tokens.issuer.issue(subject);
      tokens.clock.set(new Date(now.getTime() - (expiresInSeconds + 60) * 1000));
      const stale = tokens.issuer.issue(subject).accessToken;
      tokens.clock.set(now);
      await expect(tokens.read(stale)).rejects.toThrow(/expired/);
    });
  });
}
