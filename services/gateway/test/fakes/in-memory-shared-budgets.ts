import { intervalMicros } from '../../src/domain/rate-limit.ts';
import type { BudgetSpend, SharedBudgets } from '../../src/use-cases/ports.ts';

/** The Redis SPEND script's arithmetic over a map, on the clock given; `calls` records each call's spends. */
export function createInMemorySharedBudgets(nowMicros: () => number = () => Date.now() * 1000) {
  const tats = new Map<string, number>();
  const calls: BudgetSpend[][] = [];
  const budgets: SharedBudgets & { calls: BudgetSpend[][] } = {
    calls,
    async spend(spends) {
      calls.push(spends.map((spent) => ({ ...spent })));
      const now = nowMicros();
      return spends.map((spent) => {
        const tat = Math.floor(Math.max(tats.get(spent.bucket) ?? now, now) + spent.cells * intervalMicros(spent.limit));
        tats.set(spent.bucket, tat);
        return tat - now;
      });
    },
  };
  return budgets;
}
