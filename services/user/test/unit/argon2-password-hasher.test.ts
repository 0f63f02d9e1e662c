// What is particular to argon2id; what every PasswordHasher does (verifying, salting, rehashing
// a weaker hash) is the contract suite's, run against this adapter in credential-adapters.test.ts.
import { describe, expect, it } from 'vitest';
import { createArgon2PasswordHasher } from '../../src/infrastructure/argon2-password-hasher.ts';

describe('argon2id password hasher', () => {
  it("when a password is hashed, then the PHC string carries OWASP's parameters and a fresh salt each time", async () => {
    const hasher = createArgon2PasswordHasher();
    const [first, second] = await Promise.all([hasher.hash('correct horse'), hasher.hash('correct horse')]);
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(first).not.toBe(second);
  });

  it('when the stored value is not an argon2id PHC string, then verify refuses loudly rather than answering false', async () => {
    await expect(createArgon2PasswordHasher().verify('x', '$2b$10$bcrypt-hash')).rejects.toThrow(/not an argon2id PHC string/);
  });
});
