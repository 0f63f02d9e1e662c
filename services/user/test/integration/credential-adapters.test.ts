// The contract suites of the credential ports against their real adapters: argon2id, RS256
// tokens read by the gateway's own verifier, and the random token secrets.
import { generateKeyPairSync } from 'node:crypto';
import { createAccessTokenVerifier, createJwksKeyResolver } from '@chirp/common/auth';
import { aClock } from '@chirp/testing/fakes';
import { createArgon2PasswordHasher } from '../../src/infrastructure/argon2-password-hasher.ts';
import { createJwtAccessTokenIssuer, keySet, publicJwks, signingKey } from '../../src/infrastructure/jwt-access-tokens.ts';
import { createRandomTokenSecrets } from '../../src/infrastructure/random-token-secrets.ts';
import { accessTokenIssuerContract } from '../contract/access-token-issuer.contract.ts';
import { passwordHasherContract } from '../contract/password-hasher.contract.ts';
import { tokenSecretsContract } from '../contract/token-secrets.contract.ts';

passwordHasherContract('argon2id', async () => ({
  hasher: createArgon2PasswordHasher(),
  weaker: createArgon2PasswordHasher({ memoryKiB: 1024, passes: 1, parallelism: 1 }),
}));

const keys = keySet([signingKey('contract', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())], 'contract');
const settings = { issuer: 'chirp-user', audience: 'chirp-api', ttlSeconds: 900 };

accessTokenIssuerContract("RS256, read by the gateway's verifier", async () => {
  const clock = aClock();
  return {
    issuer: createJwtAccessTokenIssuer(keys, settings, clock),
    clock,
    read: createAccessTokenVerifier({ keys: createJwksKeyResolver({ fetchJwks: async () => publicJwks(keys) }), issuer: settings.issuer, audience: settings.audience }),
  };
});

tokenSecretsContract('random', async () => createRandomTokenSecrets());
