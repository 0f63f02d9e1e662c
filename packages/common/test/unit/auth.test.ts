import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAccessTokenVerifier, createJwksKeyResolver, InvalidTokenError, type Jwk } from '../../src/auth.ts';

const ISSUER = 'chirp-user';
const AUDIENCE = 'chirp';

function aKeyPair(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as Jwk), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicKey, jwk };
}

const current = aKeyPair('k1');
const next = aKeyPair('k2');
const stranger = aKeyPair('k1');

function aToken(overrides: { key?: KeyObject | string; kid?: string; algorithm?: jwt.Algorithm; claims?: object; options?: jwt.SignOptions } = {}) {
  return jwt.sign({ sid: 's-1', ...overrides.claims }, overrides.key ?? current.privateKey, {
    algorithm: overrides.algorithm ?? 'RS256',
    keyid: overrides.kid ?? current.kid,
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: '42',
    expiresIn: 300,
    ...overrides.options,
  });
}

function aVerifier(keys: Jwk[] = [current.jwk]) {
  let fetches = 0;
  const resolver = createJwksKeyResolver({
    fetchJwks: async () => {
      fetches += 1;
      return { keys };
    },
    minRefetchIntervalMs: 0,
    // A clock that stands still: every fetch of a test in the same millisecond, as on a fast machine.
    now: () => 0,
  });
  return { verify: createAccessTokenVerifier({ keys: resolver, issuer: ISSUER, audience: AUDIENCE }), fetches: () => fetches };
}

const rejection = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidTokenError);
  return (error as InvalidTokenError).message;
};

describe('access token verification', () => {
  it('when the token is valid, then the caller id comes from sub', async () => {
    const claims = await aVerifier().verify(aToken());
    expect(claims).toMatchObject({ userId: '42', sessionId: 's-1' });
  });

  it('when alg is none, then it is refused', async () => {
    const token = jwt.sign({ sub: '42', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 }, '', { algorithm: 'none' });
    expect(await rejection(aVerifier().verify(token))).toMatch(/algorithm none/);
  });

  it('when HS256 is signed with the public key as secret, then it is refused', async () => {
    const pem = current.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const forged = jwt.sign({ sub: '42' }, pem, { algorithm: 'HS256', keyid: 'k1', issuer: ISSUER, audience: AUDIENCE, expiresIn: 60 });
    expect(await rejection(aVerifier().verify(forged))).toMatch(/algorithm HS256/);
  });

  it('when signed by another key under a known kid, then it is refused', async () => {
    expect(await rejection(aVerifier().verify(aToken({ key: stranger.privateKey })))).toMatch(/invalid signature/);
  });

  it('when expired or not yet valid, then it is refused', async () => {
    expect(await rejection(aVerifier().verify(aToken({ options: { expiresIn: -60 } })))).toMatch(/expired/);
    expect(await rejection(aVerifier().verify(aToken({ options: { notBefore: 120 } })))).toMatch(/not yet valid/);
  });

  it('when issuer or audience differ, then it is refused', async () => {
    expect(await rejection(aVerifier().verify(aToken({ options: { issuer: 'evil' } })))).toMatch(/issuer/);
    expect(await rejection(aVerifier().verify(aToken({ options: { audience: 'other' } })))).toMatch(/audience/);
  });

  it('when the payload is tampered with, then the signature fails', async () => {
    const [header, payload, signature] = aToken().split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...claims, sub: '1' })).toString('base64url');
    expect(await rejection(aVerifier().verify(`${header}.${tampered}.${signature}`))).toMatch(/invalid signature/);
  });

  it('when the token is garbage or has no subject, then it is refused', async () => {
    expect(await rejection(aVerifier().verify('not.a.token'))).toMatch(/malformed/);
    const noSub = jwt.sign({}, current.privateKey, { algorithm: 'RS256', keyid: 'k1', issuer: ISSUER, audience: AUDIENCE, expiresIn: 60 });
    expect(await rejection(aVerifier().verify(noSub))).toMatch(/no subject/);
  });

  it('when the kid is unknown, then the key set is fetched again, and refused if still unknown', async () => {
    const { verify, fetches } = aVerifier();
    await verify(aToken());
    expect(await rejection(verify(aToken({ kid: 'nope' })))).toMatch(/unknown key id/);
    expect(fetches()).toBe(2);
  });

  it('when keys rotate, then tokens of both active keys verify after one refetch', async () => {
    const keys = [current.jwk];
    const { verify, fetches } = aVerifier(keys);
    await verify(aToken());
    keys.push(next.jwk);
    await expect(verify(aToken({ key: next.privateKey, kid: 'k2' }))).resolves.toMatchObject({ userId: '42' });
    await expect(verify(aToken())).resolves.toMatchObject({ userId: '42' });
    expect(fetches()).toBe(2);
  });
});

describe('JWKS key resolver', () => {
  it('when forged kids arrive in a burst, then the issuer is asked at most once per interval', async () => {
    let fetches = 0;
    let now = 0;
    const resolver = createJwksKeyResolver({
      fetchJwks: async () => {
        fetches += 1;
        return { keys: [current.jwk] };
      },
      minRefetchIntervalMs: 30_000,
      now: () => now,
    });
    await resolver.keyFor('k1');
    for (let i = 0; i < 50; i += 1) await resolver.keyFor(`forged-${i}`);
    expect(fetches).toBe(1);
    now += 31_000;
    await resolver.keyFor('forged-x');
    expect(fetches).toBe(2);
  });

  it('when the issuer is down after a first fetch, then the cached keys keep working', async () => {
    let up = true;
    let now = 0;
    const resolver = createJwksKeyResolver({
      fetchJwks: async () => {
        if (!up) throw new Error('ECONNREFUSED');
        return { keys: [current.jwk] };
      },
      maxAgeMs: 1000,
      now: () => now,
    });
    await resolver.keyFor('k1');
    up = false;
    now += 5000;
    expect(await resolver.keyFor('k1')).toBeDefined();
  });

  it('when the cached set is stale, then a known kid answers at once and the set is refreshed in the background', async () => {
    let now = 0;
    let release: (() => void) | undefined;
    let fetches = 0;
    const resolver = createJwksKeyResolver({
      fetchJwks: async () => {
        fetches += 1;
        if (fetches > 1) await new Promise<void>((resolve) => (release = resolve));
        return { keys: [current.jwk] };
      },
      maxAgeMs: 1000,
      minRefetchIntervalMs: 0,
      now: () => now,
    });
    await resolver.keyFor('k1');
    now += 5000;
    expect(await resolver.keyFor('k1')).toBeDefined();
    expect(fetches).toBe(2);
    release?.();
  });

  it('when a key in the set is unusable, then it is skipped and the others still verify', async () => {
    const problems: string[] = [];
    const broken = { kid: 'bad', kty: 'RSA', n: current.jwk.n } as Jwk; // no exponent
    const resolver = createJwksKeyResolver({ fetchJwks: async () => ({ keys: [broken, current.jwk] }), onProblem: (problem) => problems.push(problem) });
    expect(await resolver.keyFor('k1')).toBeDefined();
    expect(await resolver.keyFor('bad')).toBeUndefined();
    expect(problems).toEqual([expect.stringContaining('key bad')]);
  });

  it('when the issuer answers something that is not a key set, then the resolver fails (no keys), it does not crash later', async () => {
    const resolver = createJwksKeyResolver({ fetchJwks: async () => ({ code: 'ROUTE_NOT_FOUND' }) as unknown as { keys: Jwk[] } });
    await expect(resolver.keyFor('k1')).rejects.toThrow(/no keys array/);
  });
});

describe('verified-token cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const counting = () => {
    let lookups = 0;
    const resolver = { keyFor: async (kid: string) => ((lookups += 1), kid === current.kid ? current.publicKey : undefined) };
    return { verify: createAccessTokenVerifier({ keys: resolver, issuer: ISSUER, audience: AUDIENCE }), lookups: () => lookups };
  };

  it('when the same token comes again, then its claims are served without verifying it again', async () => {
    const { verify, lookups } = counting();
    const token = aToken();
    const first = await verify(token);
    expect(await verify(token)).toEqual(first);
    expect(lookups()).toBe(1);
  });

  it('when one byte of a verified token is changed, then it is verified afresh and refused', async () => {
    const { verify } = counting();
    const token = aToken();
    await verify(token);
    const tampered = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1)!;
    expect(await rejection(verify(tampered))).toMatch(/signature/);
  });

  it('when a verified token expires, then the cache no longer answers for it', async () => {
    const { verify } = counting();
    const token = aToken({ options: { expiresIn: 60 } });
    await verify(token);
    vi.useFakeTimers({ now: Date.now() + 120_000 });
    expect(await rejection(verify(token))).toMatch(/expired/);
  });
});
