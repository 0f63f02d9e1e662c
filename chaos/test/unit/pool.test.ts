import { describe, expect, it } from 'vitest';
import { pool } from '../../src/workload.ts';

describe('the workload connection pool', () => {
  it('when more calls arrive than it has connections, then at most that many run at once, the others in order, and a failure frees its connection', async () => {
    const connection = pool(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const call = (n: number) =>
      connection(async () => {
        started.push(n);
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        if (n === 1) throw new Error('refused');
        return n;
      });
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map(call));
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  });
});
