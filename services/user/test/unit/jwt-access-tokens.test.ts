import { generateKeyPairSync } from 'node:crypto';
import { createAccessTokenVerifier, createJwksKeyResolver } from '@chirp/common/auth';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { createJwtAccessTokenIssuer, keySet, publicJwks, signingKey } from '../../src/infrastructure/jwt-access-tokens.ts';
import { aClock } from '@chirp/testing/fakes';

const pem = (bits = 2048) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const oldKey = signingKey('2026-01', pem());
const newKey = signingKey('2026-02', pem());
const settings = { issuer: 'chirp-user', audience: 'chirp-api', ttlSeconds: 900 };

const verifierFor = (keys: ReturnType<typeof keySet>) =>
  createAccessTokenVerifier({ keys: createJwksKeyResolver({ fetchJwks: async () => publicJwks(keys) }), issuer: 'chirp-user', audience: 'chirp-api' });

describe('RS256 access tokens', () => {
  it('when a token is issued, then its header names the key and its claims carry iss, aud, sub, sid, handle, nbf and exp', () => {
    const clock = aClock(new Date());
    const { accessToken, expiresInSeconds } = createJwtAccessTokenIssuer(keySet([oldKey], '2026-01'), settings, clock).issue({ userId: '77', sessionId: 's-1', handle: 'ada' });
    const decoded = jwt.decode(accessToken, { complete: true })!;
    expect(decoded.header).toMatchObject({ alg: 'RS256', kid: '2026-01' });
    const now = Math.floor(clock.now().getTime() / 1000);
    expect(decoded.payload).toMatchObject({ iss: 'chirp-user', aud: 'chirp-api', sub: '77', sid: 's-1', handle: 'ada', nbf: now, exp: now + 900 });
    expect(expiresInSeconds).toBe(900);
  });

  it('when the gateway verifies against the JWKS, then the claims come back; a token from an unpublished key is refused', async () => {
    const clock = aClock(new Date());
    const published = keySet([oldKey], '2026-01');
    const token = createJwtAccessTokenIssuer(published, settings, clock).issue({ userId: '77', sessionId: 's-1', handle: 'ada' }).accessToken;
    expect(await verifierFor(published)(token)).toMatchObject({ userId: '77', sessionId: 's-1', handle: 'ada' });
    const stranger = createJwtAccessTokenIssuer(keySet([signingKey('2026-01', pem())], '2026-01'), settings, clock).issue({ userId: '77', sessionId: 's-1', handle: 'ada' });
    await expect(verifierFor(published)(stranger.accessToken)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('when the signing key rotates, then tokens signed by the previous key keep verifying while it is published', async () => {
    const clock = aClock(new Date());
    const before = createJwtAccessTokenIssuer(keySet([oldKey], '2026-01'), settings, clock).issue({ userId: '1', sessionId: 's', handle: 'ada' }).accessToken;
    const rotated = keySet([oldKey, newKey], '2026-02');
    const after = createJwtAccessTokenIssuer(rotated, settings, clock).issue({ userId: '2', sessionId: 's', handle: 'ada' }).accessToken;
    expect(jwt.decode(after, { complete: true })!.header.kid).toBe('2026-02');
    const verify = verifierFor(rotated);
    expect((await verify(before)).userId).toBe('1');
    expect((await verify(after)).userId).toBe('2');
    expect(publicJwks(rotated).keys.map((k) => [k.kid, k.kty, k.use, 'd' in k])).toEqual([
      ['2026-01', 'RSA', 'sig', false],
      ['2026-02', 'RSA', 'sig', false],
    ]);
  });

  it('when a key is weaker than 2048 bits, badly named or not the active one, then start-up fails naming it', () => {
    expect(() => signingKey('small', pem(1024))).toThrow(/at least 2048 bits/);
    expect(() => signingKey('bad kid!', pem())).toThrow(/signing key id/);
    expect(() => keySet([oldKey], 'missing')).toThrow(/no signing key 'missing'.*found: 2026-01/);
  });
});
