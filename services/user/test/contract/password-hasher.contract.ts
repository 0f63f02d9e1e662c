// One suite for every PasswordHasher: the cheap fake (unit) and argon2id (integration) must
// behave alike, so the registration and login tests that trust the fake are trusting argon2id.
import { beforeEach, describe, expect, it } from 'vitest';
import type { PasswordHasher } from '../../src/use-cases/ports.ts';

export interface HashersUnderTest {
  /** Today's hasher. */
  hasher: PasswordHasher;
  /** The same kind with weaker parameters, as an earlier release used. */
  weaker: PasswordHasher;
}

export function passwordHasherContract(name: string, make: () => Promise<HashersUnderTest>): void {
  describe(`PasswordHasher contract: ${name}`, () => {
    let hasher: PasswordHasher;
    let weaker: PasswordHasher;
    beforeEach(async () => {
      ({ hasher, weaker } = await make());
    });

    it('when a password is hashed, then it verifies without asking for a rehash, and the stored value does not hold the password', async () => {
      const password = 'correct horse';
      const stored = await hasher.hash(password);
      expect(await hasher.verify(password, stored)).toEqual({ valid: true, needsRehash: false });
      for (const encoded of [password, Buffer.from(password).toString('hex'), Buffer.from(password).toString('base64').replace(/=+$/, '')]) {
        expect(stored).not.toContain(encoded);
      }
    });

    it.each(['correct horsE', 'Correct horse', 'correct hors', 'correct horse ', ''])('when the password checked is %j instead, then it is not valid', async (other) => {
      expect((await hasher.verify(other, await hasher.hash('correct horse'))).valid).toBe(false);
    });

    it('when one password is hashed twice, then the stored values differ (each has its own salt) and both verify', async () => {
      const [first, second] = await Promise.all([hasher.hash('same password'), hasher.hash('same password')]);
      expect(first).not.toBe(second);
      expect([(await hasher.verify('same password', first)).valid, (await hasher.verify('same password', second)).valid]).toEqual([true, true]);
    });

    it('when the password is as long as allowed and not ASCII, then every character counts', async () => {
      const long = `${'🔑'.repeat(127)}a`;
      const stored = await hasher.hash(long);
      expect((await hasher.verify(long, stored)).valid).toBe(true);
      expect((await hasher.verify(`${'🔑'.repeat(127)}b`, stored)).valid).toBe(false);
      expect((await hasher.verify('pässwörd', await hasher.hash('pässwörd'))).valid).toBe(true);
      expect((await hasher.verify('passwörd', await hasher.hash('pässwörd'))).valid).toBe(false);
    });

    it('when the stored value was made with weaker parameters, then the right password verifies and asks for a rehash, a wrong one is refused', async () => {
      const stored = await weaker.hash('old password');
      expect(await hasher.verify('old password', stored)).toEqual({ valid: true, needsRehash: true });
      expect((await hasher.verify('old passworD', stored)).valid).toBe(false);
    });

    it("when a weaker hasher checks today's stored value (a replica not yet upgraded), then it verifies without asking to be downgraded", async () => {
      expect(await weaker.verify('new password', await hasher.hash('new password'))).toEqual({ valid: true, needsRehash: false });
    });

    it('when the stored value is not one a hasher of this kind wrote, then verify rejects rather than answering false', async () => {
      await expect(hasher.verify('correct horse', 'correct horse')).rejects.toThrow();
      await expect(hasher.verify('correct horse', '')).rejects.toThrow();
    });

    it('when a password is burned (an unknown handle), then it resolves, however long the password', async () => {
      await expect(hasher.burn('x'.repeat(512))).resolves.toBeUndefined();
      await expect(hasher.burn('')).resolves.toBeUndefined();
    });
  });
}
