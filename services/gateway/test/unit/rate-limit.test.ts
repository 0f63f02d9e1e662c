import { describe, expect, it } from 'vitest';
import { clientKey, gcraStep, type RateLimit } from '../../src/domain/rate-limit.ts';

const tenPerMinute: RateLimit = { policy: 'test', limit: 10, periodSeconds: 60 };
const s = (seconds: number) => seconds * 1e6;

/** Runs `count` requests at `at` from `tat`, returning the last decision and the arrival time after them. */
function burst(count: number, at: number, tat?: number) {
  let current = tat;
  let last = gcraStep(current, at, tenPerMinute);
  current = last.nextTatMicros ?? current;
  for (let i = 1; i < count; i += 1) {
    last = gcraStep(current, at, tenPerMinute);
    current = last.nextTatMicros ?? current;
  }
  return { last, tat: current };
}

describe('GCRA rate limit', () => {
  it('when a new client calls, then it is allowed with limit - 1 left and the budget back after one interval', () => {
    const step = gcraStep(undefined, s(1000), tenPerMinute);
    expect(step.decision).toEqual({ allowed: true, limit: 10, remaining: 9, resetSeconds: 6, retryAfterSeconds: 0 });
    expect(step.nextTatMicros).toBe(s(1006));
  });

  it('when the whole budget is spent at once, then the next call is refused for one interval and nothing is stored', () => {
    const { last, tat } = burst(10, s(1000));
    expect(last.decision).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 60 });
    const refused = gcraStep(tat, s(1000), tenPerMinute);
    expect(refused).toEqual({ decision: { allowed: false, limit: 10, remaining: 0, resetSeconds: 60, retryAfterSeconds: 6 }, nextTatMicros: undefined });
  });

  it('when one interval has passed after a spent budget, then exactly one more call is allowed', () => {
    const { tat } = burst(10, s(1000));
    const later = gcraStep(tat, s(1006), tenPerMinute);
    expect(later.decision).toMatchObject({ allowed: true, remaining: 0 });
    expect(gcraStep(later.nextTatMicros, s(1006), tenPerMinute).decision.allowed).toBe(false);
  });

  it('when a client was idle longer than the period, then its budget is full again, not more', () => {
    const { tat } = burst(10, s(1000));
    expect(gcraStep(tat, s(5000), tenPerMinute).decision.remaining).toBe(9);
  });

  it('when the refusal is shorter than a second, then Retry-After still says 1 (never 0)', () => {
    const fast: RateLimit = { policy: 'fast', limit: 100, periodSeconds: 1 };
    let tat: number | undefined;
    for (let i = 0; i < 100; i += 1) tat = gcraStep(tat, 0, fast).nextTatMicros;
    expect(gcraStep(tat, 0, fast).decision).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });
});

describe('rate limit keys', () => {
  it('when signed in, then the budget is the user’s wherever they call from', () => {
    expect(clientKey({ userId: '42' }, '203.0.113.9')).toBe('u:42');
  });

  it('when signed out, then IPv4 addresses (also IPv4-mapped IPv6) are counted one by one', () => {
    expect(clientKey(undefined, '203.0.113.9')).toBe('ip:203.0.113.9');
    expect(clientKey(undefined, '::ffff:203.0.113.9')).toBe('ip:203.0.113.9');
  });

  it('when signed out over IPv6, then the whole /64 shares one budget, however the address is written', () => {
    expect(clientKey(undefined, '2001:db8:0:1::7')).toBe('ip:2001:db8:0:1::/64');
    expect(clientKey(undefined, '2001:0DB8:0000:0001:ffff:1:2:3')).toBe('ip:2001:db8:0:1::/64');
    expect(clientKey(undefined, '2001:db8::1')).toBe('ip:2001:db8:0:0::/64');
    expect(clientKey(undefined, '::1')).toBe('ip:0:0:0:0::/64');
  });
});
