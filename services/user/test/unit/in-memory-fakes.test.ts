import { aClock } from '@chirp/testing/fakes';
import { accessTokenIssuerContract } from '../contract/access-token-issuer.contract.ts';
import { passwordHasherContract } from '../contract/password-hasher.contract.ts';
import { sessionRevocationsContract } from '../contract/session-revocations.contract.ts';
import { tokenSecretsContract } from '../contract/token-secrets.contract.ts';
import { userStoreContract } from '../contract/user-store.contract.ts';
import { cheapHasher, countingSecrets, fakeAccessTokens, recordingRevocations } from '../fakes/fake-ports.ts';
import { createInMemoryUserStore, type InMemoryUserStore } from '../fakes/in-memory-user-store.ts';

userStoreContract(
  'in memory',
  async () => createInMemoryUserStore(),
  async (store, eventId) => (store as InMemoryUserStore).events.find((event) => event.id === eventId)?.payload,
);

passwordHasherContract('salted SHA-256 fake', async () => ({ hasher: cheapHasher({ cost: 2 }), weaker: cheapHasher({ cost: 1 }) }));

accessTokenIssuerContract('readable fake', async () => {
  const clock = aClock();
  const tokens = fakeAccessTokens(clock);
  return { issuer: tokens, clock, read: tokens.read };
});

tokenSecretsContract('counting fake', async () => countingSecrets());

sessionRevocationsContract('recording fake', async () => {
  const clock = aClock();
  const revocations = recordingRevocations(clock, 900);
  return { revocations, clock, accessTokenTtlSeconds: 900, refuses: async (sessionId) => revocations.refuses(sessionId) };
});
