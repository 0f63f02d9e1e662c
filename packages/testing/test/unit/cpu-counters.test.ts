import { describe, expect, it } from 'vitest';
import { median, roundOrder } from '../../src/cpu-counters.ts';

describe('median', () => {
  it('when the count is odd, then it is the middle value, whatever the order', () => {
    expect(median([7.9, 7.6, 8.1])).toBe(7.9);
  });

  it('when the count is even, then it is the mean of the two middle values, not one of them', () => {
    // Four repeats' ratios: one of the middle two would be -14.1 or -10.0.
    expect(median([-5.7, -17.0, -10.0, -14.1])).toBeCloseTo(-12.05, 10);
  });

  it('when there is one value, then it is that value; none gives NaN', () => {
    expect(median([3])).toBe(3);
    expect(median([])).toBeNaN();
  });

  it('when some values are NaN (runs that measured nothing), then they are left out; only NaNs give NaN', () => {
    expect(median([Number.NaN, 9, 1, 5])).toBe(5);
    expect(median([Number.NaN, Number.NaN])).toBeNaN();
  });
});

describe('roundOrder', () => {
  it('when rounds go by, then each starts with the next setting, wrapping, and every round holds all of them', () => {
    expect(roundOrder(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(roundOrder(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(roundOrder(['a', 'b', 'c'], 5)).toEqual(['c', 'a', 'b']);
    expect(roundOrder([], 3)).toEqual([]);
  });
});
