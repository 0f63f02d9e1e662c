// What checking revoked sessions costs the gateway per request: the verification of a cached
// access token (the common case: a client sends the same token for minutes) with no revocation
// check, and with the check against 10,000 revoked sessions loaded from the real Redis.
// Run: `make bench-gateway-revocation` (or `source .stack/env && node services/gateway/bench/revocation-check.ts`).
import { generateKeyPairSync } from 'node:crypto';
import { createAccessTokenVerifier } from '@chirp/common/auth';
import { createRedisRevocationPublisher, watchRevokedSessions } from '@chirp/common/session-revocations';
import { median } from '@chirp/testing/cpu-counters';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';

const REVOKED = 10_000;
const ROUNDS = 5;
const CALLS = 200_000;
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) throw new Error('REDIS_URL is not set: source .stack/env first (scripts/stack.sh up starts Redis)');

const prefix = `bench:${Date.now().toString(36)}:sessions:`;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const token = jwt.sign({ sub: '1001', sid: 'live-session', handle: 'ada' }, privateKey, { algorithm: 'RS256', keyid: 'k', issuer: 'i', audience: 'a', expiresIn: 900 });
const verifier = (isRevoked?: (sessionId: string) => boolean) =>
  createAccessTokenVerifier({ keys: { keyFor: async () => publicKey }, issuer: 'i', audience: 'a', isRevoked });

const writer = new Redis(redisUrl);
const revocations = Array.from({ length: REVOKED }, (_, i) => ({ sessionId: `revoked-${i}`, untilMs: Date.now() + 600_000 }));
for (let i = 0; i < revocations.length; i += 1000) await createRedisRevocationPublisher(writer, prefix).publish(revocations.slice(i, i + 1000));
const revoked = watchRevokedSessions({ subscriber: new Redis(redisUrl), reader: writer, prefix });
if (!(await revoked.whenInSync(5000))) throw new Error('the revoked sessions did not load from Redis within 5 s');

async function nanosecondsPerCall(verify: (token: string) => Promise<unknown>): Promise<number> {
  await verify(token); // the first call verifies the signature and caches the claims
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i += 1) await verify(token);
  return Number(process.hrtime.bigint() - start) / CALLS;
}

const without: number[] = [];
const withCheck: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  without.push(await nanosecondsPerCall(verifier()));
  withCheck.push(await nanosecondsPerCall(verifier((sessionId) => revoked.has(sessionId))));
}
const uncached = process.hrtime.bigint();
for (let i = 0; i < 200; i += 1) await verifier()(token);
const uncachedNs = Number(process.hrtime.bigint() - uncached) / 200;

console.log(`revoked sessions loaded: ${revoked.size}`);
console.log(`cached token, no revocation check:   median ${median(without).toFixed(0)} ns per request (${ROUNDS} rounds of ${CALLS})`);
console.log(`cached token, with revocation check: median ${median(withCheck).toFixed(0)} ns per request; the check adds ${(median(withCheck) - median(without)).toFixed(0)} ns`);
console.log(`for scale: an uncached verification (RSA signature) takes ${(uncachedNs / 1000).toFixed(0)} µs`);

await writer.del(`${prefix}revoked`);
await revoked.close();
writer.disconnect();
