import { describe, expect, it } from 'vitest';
import { retryingConflicts } from '../../src/pg-transaction.ts';

/** A driver error as node-postgres raises it: the SQLSTATE in `code`. */
const sqlError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });

describe('retryingConflicts', () => {
  it('when the work deadlocks or fails to serialize, then it runs again until it succeeds', async () => {
    const failures = [sqlError('40P01'), sqlError('40001')];
    let runs = 0;
    const result = await retryingConflicts(async () => {
      runs += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return 'done';
    });
    expect([result, runs]).toEqual(['done', 3]);
  });

  it('when any other error is thrown, then it is not run again', async () => {
    let runs = 0;
    const failed = retryingConflicts(async () => {
      runs += 1;
      throw sqlError('23503');
    });
    await expect(failed).rejects.toMatchObject({ code: '23503' });
    expect(runs).toBe(1);
  });

  it('when every attempt deadlocks, then the last deadlock is thrown after `attempts` runs', async () => {
    let runs = 0;
    const failed = retryingConflicts(async () => {
      runs += 1;
      throw sqlError('40P01');
    }, 3);
    await expect(failed).rejects.toMatchObject({ code: '40P01' });
    expect(runs).toBe(3);
  });
});
