// One suite for every SessionRevocations: the recording fake (unit) and the Redis adapter
// (integration) must behave alike, so the logout and refresh tests that trust the fake are
// trusting what the gateways see. The port only writes; each implementation comes with a probe
// that reads what a gateway would (for Redis, the gateway's own reader over the shared set).
import { randomUUID } from 'node:crypto';
import type { SettableClock } from '@chirp/testing/fakes';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SessionRevocations } from '../../src/use-cases/ports.ts';

export interface RevocationsUnderTest {
  revocations: SessionRevocations;
  /** The time the implementation and its probe both go by. */
  clock: SettableClock;
  /** The lifetime of the access tokens the revocations must outlive. */
  accessTokenTtlSeconds: number;
  /** Whether a gateway refuses the session's access tokens at the clock's time. */
  refuses(sessionId: string): Promise<boolean>;
}

/** The gateway accepts a token this long past its expiry (its clock tolerance). */
const GATEWAY_TOLERANCE_SECONDS = 5;
/** A revocation may outlive the tokens it ends, but not by more than this: the gateways hold every one in memory. */
const LONGEST_OVERSTAY_SECONDS = 300;

export function sessionRevocationsContract(name: string, make: () => Promise<RevocationsUnderTest>): void {
  describe(`SessionRevocations contract: ${name}`, () => {
    let under: RevocationsUnderTest;
    beforeEach(async () => {
      under = await make();
    });

    it("when a session is announced, then its tokens are refused at once, and another session's are not", async () => {
      const [ended, other] = [randomUUID(), randomUUID()];
      await under.revocations.announce({ sessionId: ended, revokedAt: under.clock.now() });
      expect([await under.refuses(ended), await under.refuses(other)]).toEqual([true, false]);
    });

    it('when a session is announced, then it stays refused while a token issued before then may live, and is forgotten a while after', async () => {
      const sessionId = randomUUID();
      await under.revocations.announce({ sessionId, revokedAt: under.clock.now() });
      under.clock.advance(under.accessTokenTtlSeconds + GATEWAY_TOLERANCE_SECONDS);
      expect(await under.refuses(sessionId)).toBe(true);
      under.clock.advance(LONGEST_OVERSTAY_SECONDS);
      expect(await under.refuses(sessionId)).toBe(false);
    });

    it('when a session is announced again, even with an earlier time (a retry, a replay), then it is no error and the later promise holds', async () => {
      const sessionId = randomUUID();
      const revokedAt = under.clock.now();
      await under.revocations.announce({ sessionId, revokedAt });
      await under.revocations.announce({ sessionId, revokedAt });
      await under.revocations.announce({ sessionId, revokedAt: new Date(revokedAt.getTime() - (under.accessTokenTtlSeconds / 2) * 1000) });
      under.clock.advance(under.accessTokenTtlSeconds + GATEWAY_TOLERANCE_SECONDS);
      expect(await under.refuses(sessionId)).toBe(true);
    });

    it('when a revocation older than any token it could end is announced (a late replay), then it resolves and refuses nothing', async () => {
      const sessionId = randomUUID();
      const longAgo = new Date(under.clock.now().getTime() - (under.accessTokenTtlSeconds + LONGEST_OVERSTAY_SECONDS) * 1000);
      await under.revocations.announce({ sessionId, revokedAt: longAgo });
      expect(await under.refuses(sessionId)).toBe(false);
    });

    it('when many sessions are announced at once, then every one is refused', async () => {
      const sessions = Array.from({ length: 20 }, () => randomUUID());
      await Promise.all(sessions.map((sessionId) => under.revocations.announce({ sessionId, revokedAt: under.clock.now() })));
      expect(await Promise.all(sessions.map((sessionId) => under.refuses(sessionId)))).toEqual(sessions.map(() => true));
    });
  });
}
