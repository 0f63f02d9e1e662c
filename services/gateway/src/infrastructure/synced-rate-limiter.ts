import { bucketOf, intervalMicros } from '../domain/rate-limit.ts';
import type { BudgetSpend, RateLimiter, SharedBudgets } from '../use-cases/ports.ts';
import { createLocalBudgets } from './in-process-rate-limiter.ts';

export interface SyncedRateLimiter extends RateLimiter {
  /** Sends the requests admitted since the last sync to the shared budgets, and takes their answer as this replica's view. */
  sync(): Promise<void>;
  /** Stops the timer and sends what is left. */
  close(): Promise<void>;
}

export interface SyncedRateLimiterOptions {
  /** How often the replica's spending goes to the shared budgets. */
  syncEveryMs: number;
  /** Called when a sync fails: its requests then count on this replica only. */
  onFailure: (error: unknown) => void;
  nowMicros?: () => number;
  /** Buckets per call to the shared budgets; the calls of one sync go out together. */
  bucketsPerCall?: number;
  sweepEvery?: number;
}

/**
 * Budgets decided in this process and shared after the fact, as Kong's `sync_rate` and Envoy's
 * local-then-global limits do: each request is judged against this replica's view of its
 * client's arrival time (domain/rate-limit.ts), with no round trip; every `syncEveryMs` the
 * requests admitted meanwhile are added to the shared arrival time in one call, and the answer,
 * which holds every replica's spending, becomes this replica's view.
 *
 * What it gives up: a client spread over several replicas can overspend by what each admits
 * before its next sync. A replica whose view of the client is stale (or new) may admit up to a
 * whole budget, so N replicas up to N budgets at once. Every admitted request is still charged,
 * so the client then waits it off (about N periods after N budgets): over time it keeps to the
 * limit. That suits the general budgets, which guard capacity; the budgets that guard against
 * guessing and spam (sign-in, session, post) stay exact (main.ts).
 */
export function createSyncedRateLimiter(shared: SharedBudgets, options: SyncedRateLimiterOptions): SyncedRateLimiter {
  const nowMicros = options.nowMicros ?? (() => Date.now() * 1000);
  const bucketsPerCall = Math.max(1, options.bucketsPerCall ?? 200);
  const budgets = createLocalBudgets(options.sweepEvery);
  /** What this replica admitted since the last sync, by bucket. */
  let pending = new Map<string, BudgetSpend>();
  let inFlight: Promise<void> | undefined;

  async function send(batch: Map<string, BudgetSpend>): Promise<void> {
    const spends = [...batch.values()];
    const calls = [];
    for (let i = 0; i < spends.length; i += bucketsPerCall) {
      const slice = spends.slice(i, i + bucketsPerCall);
      calls.push(
        shared.spend(slice).then((ahead) => {
          const now = nowMicros();
          slice.forEach(({ bucket }, k) => {
            // The shared time holds this replica's spending up to the snapshot and everyone
            // else's; the requests admitted here since (pending again) go out with the next sync
            // and count in this view now.
            const since = pending.get(bucket);
            budgets.raiseTo(bucket, now + ahead[k]! + (since ? since.cells * intervalMicros(since.limit) : 0));
          });
        }),
      );
    }
    const outcomes = await Promise.allSettled(calls);
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) options.onFailure(failed.reason);
  }

  async function sync(): Promise<void> {
    // One sync at a time: a slow one makes the next wait rather than overlap it.
    while (inFlight) await inFlight;
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    inFlight = send(batch).finally(() => {
      inFlight = undefined;
    });
    await inFlight;
  }

  // A tick while a sync is still out (Redis slow) is skipped, not queued behind it.
  const timer = setInterval(() => {
    if (!inFlight) void sync();
  }, options.syncEveryMs);
  timer.unref();

  return {
    async consume(key, limit) {
      const bucket = bucketOf(key, limit);
      const decision = budgets.take(bucket, nowMicros(), limit);
      if (decision.allowed) {
        const spent = pending.get(bucket);
        if (spent) spent.cells += 1;
        else pending.set(bucket, { bucket, cells: 1, limit });
      }
      return decision;
    },
    sync,
    async close() {
      clearInterval(timer);
      await sync();
    },
  };
}

/** `limiter` for the limits of the `policies` named, `otherwise` for the rest. */
export function limiterByPolicy(policies: Iterable<string>, limiter: RateLimiter, otherwise: RateLimiter): RateLimiter {
  const chosen = new Set(policies);
  return {
    consume: (key, limit) => (chosen.has(limit.policy) ? limiter : otherwise).consume(key, limit),
  };
}
