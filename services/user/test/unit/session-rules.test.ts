import { describe, expect, it } from 'vitest';
import { judgeRefresh, refreshTokenExpiry, type RefreshTokenState } from '../../src/domain/session.ts';

const now = new Date('2026-05-01T00:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const aToken = (overrides: Partial<RefreshTokenState> = {}): RefreshTokenState => ({
  spentAt: null,
  expiresAt: later(3600),
  sessionRevokedAt: null,
  sessionExpiresAt: later(7200),
  ...overrides,
});

describe('refresh token rules', () => {
  it('when the token is unspent and unexpired in a live session, then it rotates', () => {
    expect(judgeRefresh(aToken(), now)).toBe('rotate');
  });
  it('when the token was spent before, then it is reuse, even after it expired', () => {
    expect(judgeRefresh(aToken({ spentAt: later(-10) }), now)).toBe('reused');
    expect(judgeRefresh(aToken({ spentAt: later(-10), expiresAt: later(-5) }), now)).toBe('reused');
  });
  it('when the session was revoked, then the token is refused as revoked', () => {
    expect(judgeRefresh(aToken({ sessionRevokedAt: later(-1), spentAt: later(-10) }), now)).toBe('revoked');
  });
  it('when the token or its session has expired, then it is expired', () => {
    expect(judgeRefresh(aToken({ expiresAt: now }), now)).toBe('expired');
    expect(judgeRefresh(aToken({ sessionExpiresAt: later(-1) }), now)).toBe('expired');
  });
  it('when the session ends before the token TTL, then the token ends with the session', () => {
    const lifetimes = { refreshTokenTtlSeconds: 3600, sessionMaxAgeSeconds: 0 };
    expect(refreshTokenExpiry(now, lifetimes, later(600))).toEqual(later(600));
    expect(refreshTokenExpiry(now, lifetimes, later(7200))).toEqual(later(3600));
  });
});
