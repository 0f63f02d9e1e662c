import { describe, expect, it } from 'vitest';
import { GENERAL_POLICIES } from '../../src/domain/rate-limit.ts';
import { createSyncedRateLimiter, limiterByPolicy } from '../../src/infrastructure/synced-rate-limiter.ts';
import type { RateLimiter, SharedBudgets } from '../../src/use-cases/ports.ts';
import { createInMemorySharedBudgets } from '../fakes/in-memory-shared-budgets.ts';

const tenPerMinute = { policy: 'user', limit: 10, periodSeconds: 60 };
const threePerMinute = { ...tenPerMinute, limit: 3 };

/** Replicas on one fake clock that stands still unless a test moves it. */
function replicas(options: { bucketsPerCall?: number } = {}) {
  const clock = { now: 1_700_000_000_000_000 };
  const budgets = createInMemorySharedBudgets(() => clock.now);
  const failures: unknown[] = [];
  const replica = (shared: SharedBudgets = budgets) =>
    createSyncedRateLimiter(shared, { syncEveryMs: 60_000, onFailure: (error) => failures.push(error), nowMicros: () => clock.now, ...options });
  return { clock, budgets, failures, replica };
}

const allowedOf = async (limiter: RateLimiter, key: string, limit: typeof tenPerMinute, count: number) => {
  const decisions = [];
  for (let i = 0; i < count; i += 1) decisions.push(await limiter.consume(key, limit));
  return decisions.map((decision) => (decision.allowed ? decision.remaining : 'refused'));
};

describe('the synced rate limiter', () => {
  it('when requests are decided, then none reaches the shared budgets until a sync, which sends each budget the requests admitted once', async () => {
    const { budgets, replica } = replicas();
    const limiter = replica();
    expect(await allowedOf(limiter, 'u:1', threePerMinute, 5)).toEqual([2, 1, 0, 'refused', 'refused']);
    await limiter.consume('u:2', threePerMinute);
    expect(budgets.calls).toEqual([]);
    await limiter.sync();
    expect(budgets.calls).toEqual([
      [
        { bucket: 'user:u:1', cells: 3, limit: threePerMinute },
        { bucket: 'user:u:2', cells: 1, limit: threePerMinute },
      ],
    ]);
    await limiter.sync();
    expect(budgets.calls).toHaveLength(1);
  });

  it('when two replicas share the budgets, then after a sync each counts what the other spent, and overspending is waited off', async () => {
    const { clock, replica } = replicas();
    const [a, b] = [replica(), replica()];
    expect(await allowedOf(a, 'u:1', tenPerMinute, 6)).toEqual([9, 8, 7, 6, 5, 4]);
    await a.sync();
    // New to b, the client is judged on b's view until b syncs: then b holds all seven.
    expect(await allowedOf(b, 'u:1', tenPerMinute, 1)).toEqual([9]);
    await b.sync();
    expect(await allowedOf(b, 'u:1', tenPerMinute, 4)).toEqual([2, 1, 0, 'refused']);
    // a has not heard of b's four: it admits up to its own view (four more), then the sync charges them all.
    expect(await allowedOf(a, 'u:1', tenPerMinute, 5)).toEqual([3, 2, 1, 0, 'refused']);
    await b.sync();
    await a.sync();
    // Fourteen spent of ten, all in a's view now: the next request waits five intervals (30 s), not one.
    clock.now += 29e6;
    expect(await allowedOf(a, 'u:1', tenPerMinute, 1)).toEqual(['refused']);
    clock.now += 1e6;
    expect(await allowedOf(a, 'u:1', tenPerMinute, 2)).toEqual([0, 'refused']);
  });

  it('when a sync spans several calls, then each budget takes its own answer', async () => {
    const { replica } = replicas({ bucketsPerCall: 2 });
    const [other, limiter] = [replica(), replica()];
    for (let k = 1; k <= 5; k += 1) await allowedOf(other, `u:${k}`, tenPerMinute, k);
    await other.sync();
    for (let k = 1; k <= 5; k += 1) await limiter.consume(`u:${k}`, tenPerMinute);
    await limiter.sync();
    const remaining = [];
    for (let k = 1; k <= 5; k += 1) remaining.push((await limiter.consume(`u:${k}`, tenPerMinute)).remaining);
    expect(remaining).toEqual([7, 6, 5, 4, 3]);
  });

  it('when requests are admitted while a sync is in flight, then they count here at once and go with the next sync', async () => {
    const { budgets, replica } = replicas();
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const limiter = replica({ spend: async (spends) => (await gate, budgets.spend(spends)) });
    expect(await allowedOf(limiter, 'u:1', threePerMinute, 2)).toEqual([2, 1]);
    const first = limiter.sync();
    expect(await allowedOf(limiter, 'u:1', threePerMinute, 1)).toEqual([0]);
    release();
    await first;
    // The answer held two; the third, admitted meanwhile, still counts.
    expect(await allowedOf(limiter, 'u:1', threePerMinute, 1)).toEqual(['refused']);
    await limiter.sync();
    expect(budgets.calls.map((call) => call.map((spent) => spent.cells))).toEqual([[2], [1]]);
  });

  it('when another replica spent and requests are admitted here during the sync, then the view holds all of them', async () => {
    const { budgets, replica } = replicas();
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const other = replica();
    const limiter = replica({ spend: async (spends) => (await gate, budgets.spend(spends)) });
    await allowedOf(other, 'u:1', tenPerMinute, 4);
    await other.sync();
    await allowedOf(limiter, 'u:1', tenPerMinute, 2);
    const first = limiter.sync();
    await allowedOf(limiter, 'u:1', tenPerMinute, 2);
    release();
    await first;
    // Four there, two synced and two since here: eight spent, so two are left.
    expect(await allowedOf(limiter, 'u:1', tenPerMinute, 3)).toEqual([1, 0, 'refused']);
  });

  it('when it runs, then its timer syncs on its own, one sync at a time', async () => {
    const budgets = createInMemorySharedBudgets();
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const limiter = createSyncedRateLimiter(
      { spend: async (spends) => (calls++, await gate, budgets.spend(spends)) },
      { syncEveryMs: 10, onFailure: (error) => expect.fail(String(error)) },
    );
    try {
      await limiter.consume('u:1', tenPerMinute);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Admitted while the first sync is out: ticks that overlapped it would send this at once.
      await limiter.consume('u:1', tenPerMinute);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(calls).toBe(1);
      release();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(budgets.calls.map((call) => call.map((spent) => spent.cells))).toEqual([[1], [1]]);
    } finally {
      await limiter.close();
    }
  });

  it('when the shared budgets fail, then decisions go on here and the failure is reported', async () => {
    const { failures, replica } = replicas();
    const limiter = replica({ spend: () => Promise.reject(new Error('Connection is closed.')) });
    expect(await allowedOf(limiter, 'u:1', threePerMinute, 3)).toEqual([2, 1, 0]);
    await limiter.sync();
    expect(failures).toEqual([new Error('Connection is closed.')]);
    expect(await allowedOf(limiter, 'u:1', threePerMinute, 1)).toEqual(['refused']);
  });

  it('when it closes, then what was admitted since the last sync is sent', async () => {
    const { budgets, replica } = replicas();
    const limiter = replica();
    await limiter.consume('u:1', tenPerMinute);
    await limiter.close();
    expect(budgets.calls.map((call) => call.map((spent) => [spent.bucket, spent.cells]))).toEqual([[['user:u:1', 1]]]);
  });
});

describe('limiterByPolicy', () => {
  it("when a limit names a policy given, then that policy's limiter decides; any other goes to the default", async () => {
    const asked: string[] = [];
    const recording = (name: string): RateLimiter => ({
      consume: async (_key, limit) => (asked.push(`${name}:${limit.policy}`), { allowed: true, limit: limit.limit, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 }),
    });
    const limiter = limiterByPolicy(Object.values(GENERAL_POLICIES), recording('synced'), recording('exact'));
    for (const policy of ['user', 'anonymous', 'sign-in', 'post']) await limiter.consume('k', { ...tenPerMinute, policy });
    expect(asked).toEqual(['synced:user', 'synced:anonymous', 'exact:sign-in', 'exact:post']);
  });
});
