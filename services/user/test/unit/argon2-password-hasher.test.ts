import { describe, expect, it } from 'vitest';
import { createArgon2PasswordHasher, OWASP_ARGON2ID } from '../../src/infrastructure/argon2-password-hasher.ts';

describe('argon2id password hasher', () => {
  it("when a password is hashed, then the PHC string carries OWASP's parameters and a fresh salt each time", async () => {
    const hasher = createArgon2PasswordHasher();
    const [first, second] = await Promise.all([hasher.hash('correct horse'), hasher.hash('correct horse')]);
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(first).not.toBe(second);
  });

  it('when verifying, then the right password is valid and a wrong one is not', async () => {
    const hasher = createArgon2PasswordHasher();
    const stored = await hasher.hash('correct horse');
    expect(await hasher.verify('correct horse', stored)).toEqual({ valid: true, needsRehash: false });
    expect((await hasher.verify('correct horsE', stored)).valid).toBe(false);
  });

  it('when the stored hash used weaker parameters, then it still verifies and asks to be rehashed', async () => {
    const weak = createArgon2PasswordHasher({ memoryKiB: 1024, passes: 1, parallelism: 1 });
    const stored = await weak.hash('pässwörd 🔑');
    expect(await createArgon2PasswordHasher(OWASP_ARGON2ID).verify('pässwörd 🔑', stored)).toEqual({ valid: true, needsRehash: true });
  });

  it('when the stored value is not an argon2id PHC string, then verify refuses loudly rather than answering false', async () => {
    await expect(createArgon2PasswordHasher().verify('x', '$2b$10$bcrypt-hash')).rejects.toThrow(/not an argon2id PHC string/);
  });
});
