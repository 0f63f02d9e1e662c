import { describe, expect, it } from 'vitest';
import type { SharedBudgets } from '../../src/use-cases/ports.ts';

/** What every SharedBudgets does, the Redis script and the in-memory fake alike. */
export function sharedBudgetsContract(name: string, make: () => Promise<{ budgets: SharedBudgets; cleanup?: () => Promise<void> }>) {
  describe(`${name} honours the SharedBudgets contract`, () => {
    const tenPerMinute = { policy: 'p', limit: 10, periodSeconds: 60 };
    const sixSeconds = 6e6; // one interval of ten a minute
    const withBudgets = (test: (budgets: SharedBudgets) => Promise<void>) => async () => {
      const { budgets, cleanup } = await make();
      try {
        await test(budgets);
      } finally {
        await cleanup?.();
      }
    };
    // The store's clock moves between calls: answers are compared within a second.
    const near = (actual: number | undefined, expected: number) => {
      expect(actual).toBeGreaterThan(expected - 1e6);
      expect(actual).toBeLessThanOrEqual(expected);
    };

    it(
      'when replicas spend from one budget, then each answer holds every spend so far, and each budget in a call is answered in order',
      withBudgets(async (budgets) => {
        const first = await budgets.spend([
          { bucket: 'p:u:1', cells: 3, limit: tenPerMinute },
          { bucket: 'p:u:2', cells: 1, limit: tenPerMinute },
        ]);
        expect(first).toHaveLength(2);
        near(first[0], 3 * sixSeconds);
        near(first[1], sixSeconds);
        const second = await budgets.spend([{ bucket: 'p:u:1', cells: 4, limit: tenPerMinute }]);
        near(second[0], 7 * sixSeconds);
        expect(await budgets.spend([])).toEqual([]);
      }),
    );

    it(
      'when a budget was idle past its arrival time, then spending starts again from now',
      withBudgets(async (budgets) => {
        // Ten a second: one cell is 100 ms, so after 300 ms the first spend is forgotten.
        const tenPerSecond = { policy: 'p', limit: 10, periodSeconds: 1 };
        await budgets.spend([{ bucket: 'p:u:3', cells: 1, limit: tenPerSecond }]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const [ahead] = await budgets.spend([{ bucket: 'p:u:3', cells: 2, limit: tenPerSecond }]);
        expect(ahead).toBeGreaterThan(150_000);
        expect(ahead).toBeLessThanOrEqual(200_000);
      }),
    );
  });
}
