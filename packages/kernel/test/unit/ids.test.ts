import { describe, expect, it } from 'vitest';
import { CHIRP_EPOCH_MS, ClockMovedBackwardsError, createIdGenerator, decodeId, isValidId } from '../../src/ids.ts';

describe('Snowflake ids', () => {
  it('when many ids are made, then they are unique and strictly increasing', () => {
    const ids = createIdGenerator({ workerId: 7 });
    const made = Array.from({ length: 20_000 }, () => ids.nextBigInt());
    expect(new Set(made).size).toBe(made.length);
    for (let i = 1; i < made.length; i += 1) expect(made[i]! > made[i - 1]!).toBe(true);
  });

  it('when decoded, then time, worker and sequence come back', () => {
    const now = CHIRP_EPOCH_MS + 123_456_789;
    const ids = createIdGenerator({ workerId: 513, now: () => now });
    ids.next();
    const second = decodeId(ids.next());
    expect(second).toEqual({ timestamp: new Date(now), workerId: 513, sequence: 1 });
  });

  it('when two workers make ids in the same millisecond, then they never collide', () => {
    const now = () => CHIRP_EPOCH_MS + 1000;
    const a = createIdGenerator({ workerId: 1, now });
    const b = createIdGenerator({ workerId: 2, now });
    const fromA = new Set(Array.from({ length: 4096 }, () => a.next()));
    const fromB = Array.from({ length: 4096 }, () => b.next());
    expect(fromB.some((id) => fromA.has(id))).toBe(false);
  });

  it('when the 4096 ids of a millisecond are spent, then it waits for the next millisecond', () => {
    const t = CHIRP_EPOCH_MS + 5000;
    let calls = 0;
    const ids = createIdGenerator({ workerId: 0, now: () => (++calls > 4100 ? t + 1 : t) });
    const made = Array.from({ length: 4097 }, () => ids.next());
    expect(decodeId(made[4095]!).timestamp.getTime()).toBe(t);
    expect(decodeId(made[4096]!)).toMatchObject({ timestamp: new Date(t + 1), sequence: 0 });
  });

  it('when the clock steps back more than the tolerance, then it refuses', () => {
    let t = CHIRP_EPOCH_MS + 10_000;
    const ids = createIdGenerator({ workerId: 0, now: () => t, maxClockSkewMs: 5 });
    ids.next();
    t -= 1000;
    expect(() => ids.next()).toThrow(ClockMovedBackwardsError);
  });

  it('when the worker id is out of range, then it refuses to start', () => {
    expect(() => createIdGenerator({ workerId: 1024 })).toThrow(RangeError);
    expect(() => createIdGenerator({ workerId: -1 })).toThrow(RangeError);
  });

  it('when an id string is checked, then only positive 64-bit decimals pass', () => {
    expect(isValidId(createIdGenerator({ workerId: 0 }).next())).toBe(true);
    expect(isValidId('9223372036854775807')).toBe(true);
    for (const bad of ['0', '-1', '01', '9223372036854775808', '1e5', 'abc', '', ' 1', '12345678901234567890']) {
      expect(isValidId(bad), bad).toBe(false);
    }
  });
});
