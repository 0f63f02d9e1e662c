import { createIdGenerator } from '@chirp/kernel/ids';
import { describe, expect, it } from 'vitest';
import { distributionFor, mergeNewest, shouldTrim, TRIM_EVERY } from '../../src/domain/timeline.ts';

describe('timeline rules', () => {
  it('when tweets arrive slower than one a millisecond (ids whose low bits are all 0), then about one in 32 trims, not all', async () => {
    const ids = createIdGenerator({ workerId: 3 });
    let trims = 0;
    const n = 3000;
    for (let i = 0; i < n; i += 1) {
      if (shouldTrim(ids.next())) trims += 1;
      if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const expected = n / Number(TRIM_EVERY);
    expect(trims).toBeGreaterThan(expected / 3);
    expect(trims).toBeLessThan(expected * 3);
  });

  it('when streams overlap, then the merge is newest first by 64-bit value, each id once', () => {
    expect(mergeNewest([['9007199254740993', '5'], ['9007199254740992', '5', '10']], 3)).toEqual(['9007199254740993', '9007199254740992', '10']);
  });

  it('when an author reaches the threshold, then merged on read; below, fanned out', () => {
    expect([distributionFor(9_999, 10_000), distributionFor(10_000, 10_000)]).toEqual(['fan_out', 'merge_on_read']);
  });
});
