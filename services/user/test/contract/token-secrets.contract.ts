// One suite for every TokenSecrets: the numbered fake (unit) and the random secrets
// (integration) must behave alike, so the session tests that trust the fake are trusting them.
import { beforeEach, describe, expect, it } from 'vitest';
import type { TokenSecrets } from '../../src/use-cases/ports.ts';

/** Unguessable: at least 256 bits' worth of base64url. */
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43,}$/;
/** Hex, as the store decodes it (`decode($1, 'hex')` into a bytea key). */
const HASH = /^(?:[0-9a-f]{2})+$/;
/** The sessions table keys them by uuid. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function tokenSecretsContract(name: string, make: () => Promise<TokenSecrets>): void {
  describe(`TokenSecrets contract: ${name}`, () => {
    let secrets: TokenSecrets;
    beforeEach(async () => {
      secrets = await make();
    });

    it('when a refresh token is made, then it is long enough not to be guessed, and the hash stored in its place is hashOf it, in hex, without it', () => {
      const { token, hash } = secrets.newRefreshToken();
      expect(token).toMatch(REFRESH_TOKEN);
      expect(hash).toMatch(HASH);
      expect(secrets.hashOf(token)).toBe(hash);
      expect(hash).not.toContain(token);
      expect(hash).not.toContain(Buffer.from(token).toString('hex'));
    });

    it('when a token differs by one character, then its hash differs; the same token always hashes alike, in another instance too (after a restart)', async () => {
      const { token, hash } = secrets.newRefreshToken();
      const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
      expect(secrets.hashOf(altered)).not.toBe(hash);
      expect([secrets.hashOf(token), (await make()).hashOf(token)]).toEqual([hash, hash]);
    });

    it('when a session id is made, then it is a UUID', () => {
      expect(secrets.newSessionId()).toMatch(UUID);
    });

    it('when many tokens and session ids are made by one instance and another (a restart, a replica), then none repeats', async () => {
      const made = [secrets, await make()].flatMap((instance) => Array.from({ length: 500 }, () => ({ ...instance.newRefreshToken(), sessionId: instance.newSessionId() })));
      expect(new Set(made.map(({ token }) => token)).size).toBe(made.length);
      expect(new Set(made.map(({ hash }) => hash)).size).toBe(made.length);
      expect(new Set(made.map(({ sessionId }) => sessionId)).size).toBe(made.length);
    });
  });
}
