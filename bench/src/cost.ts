// The cost table: CPU milliseconds per request for each process, at one fixed rate, for the mix
// and for each operation alone. Each run is measured from its first request until fan-out has
// settled after its last, so a post's fan-out and a follow's backfill are in its cost; the CPU
// the same processes use when idle (pollers, timers) over that time is taken off first.
import { type CpuSnapshot, cpuMs, cpuSnapshot, OTHER_ROLE, TRACE_BACKEND_ROLE } from './cpu-usage.ts';
import type { LoadResult, Request } from './open-loop.ts';
import { runOpenLoop } from './open-loop.ts';
import { type EventLoopDelay, type EventLoopWatch, type GcPauses, gcPauses } from './stalls.ts';
import { median } from './stats.ts';

/** Roles that are not the platform: their CPU is shown, never counted as Chirp's cost. */
export const NOT_PLATFORM = new Set(['load generator', OTHER_ROLE, TRACE_BACKEND_ROLE]);

export interface CostRun {
  name: string;
  rate: number;
  requests: number;
  seconds: number;
  result: LoadResult;
  /** CPU ms per request by role, idle use taken off. */
  msPerRequest: Record<string, number>;
  eventLoop: Record<string, EventLoopDelay>;
  gc: GcPauses;
}

/** Cores each role uses when nothing is offered, measured over `ms`. */
export async function idleCores(ms: number): Promise<Record<string, number>> {
  const before = cpuSnapshot();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuSnapshot();
  const elapsed = after.at - before.at;
  return Object.fromEntries([...cpuMs(before, after)].map(([role, used]) => [role, used / elapsed]));
}

export function perRequest(before: CpuSnapshot, after: CpuSnapshot, idle: Record<string, number>, requests: number): Record<string, number> {
  const elapsed = after.at - before.at;
  const out: Record<string, number> = {};
  for (const [role, used] of cpuMs(before, after)) {
    // Other engineers' processes are not idle-corrected: they are not ours to explain.
    const net = NOT_PLATFORM.has(role) ? used : used - (idle[role] ?? 0) * elapsed;
    out[role] = Math.max(0, net) / requests;
  }
  return out;
}

export interface CostRunOptions {
  name: string;
  rate: number;
  durationMs: number;
  warmupMs: number;
  next: () => Request;
  idle: Record<string, number>;
  /** Waits until the work the run queued (fan-out) is done. */
  settle: () => Promise<void>;
  eventLoops: EventLoopWatch;
  gcLog: string | null;
}

export async function costRun(options: CostRunOptions): Promise<CostRun> {
  await options.eventLoops.start();
  const startedAt = Date.now();
  const before = cpuSnapshot();
  const result = await runOpenLoop({ rate: options.rate, durationMs: options.durationMs, warmupMs: options.warmupMs, next: options.next });
  const eventLoop = await options.eventLoops.read();
  await options.settle();
  const after = cpuSnapshot();
  const requests = Math.floor(((options.warmupMs + options.durationMs) * options.rate) / 1000);
  return {
    name: options.name,
    rate: options.rate,
    requests,
    seconds: (after.at - before.at) / 1000,
    result,
    msPerRequest: perRequest(before, after, options.idle, requests),
    eventLoop,
    gc: gcPauses(options.gcLog, startedAt, Date.now()),
  };
}

/** The platform's CPU per request: every role but the load generator and other people's processes. */
export const platformMs = (msPerRequest: Record<string, number>): number =>
  Object.entries(msPerRequest)
    .filter(([role]) => !NOT_PLATFORM.has(role))
    .reduce((sum, [, ms]) => sum + ms, 0);

/** One row per workload: the median over its repeats of each role's ms per request, and of the total. */
export interface CostRow {
  name: string;
  runs: number;
  msPerRequest: Record<string, number>;
  platformMs: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export function costRows(runs: readonly CostRun[]): CostRow[] {
  const names = [...new Set(runs.map((run) => run.name))];
  return names.map((name) => {
    const mine = runs.filter((run) => run.name === name);
    const roles = new Set(mine.flatMap((run) => Object.keys(run.msPerRequest)));
    const msPerRequest = Object.fromEntries([...roles].map((role) => [role, median(mine.map((run) => run.msPerRequest[role] ?? 0))]));
    return {
      name,
      runs: mine.length,
      msPerRequest,
      platformMs: median(mine.map((run) => platformMs(run.msPerRequest))),
      p50Ms: median(mine.map((run) => run.result.total.latencyMs.p50)),
      p99Ms: median(mine.map((run) => run.result.total.latencyMs.p99)),
      errors: mine.reduce((sum, run) => sum + run.result.total.errors, 0),
    };
  });
}

/** One variant against the first (`--variant`, `--tracing`), for one workload. */
export interface VariantRatio {
  workload: string;
  variant: string;
  against: string;
  /** Repeats paired: the k-th run of each, made one after the other in the same repeat. */
  pairs: number;
  /** Medians of the per-repeat ratios (variant / first): interleaving cancels most of a shared machine's drift. */
  platformCpu: number;
  p50: number;
  p99: number;
}

/** Each variant's platform CPU per request and latency as a ratio to the first variant's, workload by workload. */
export function variantRatios(runs: readonly CostRun[]): VariantRatio[] {
  const named = runs.flatMap((run) => {
    const at = run.name.indexOf(' · ');
    return at < 0 ? [] : [{ variant: run.name.slice(0, at), workload: run.name.slice(at + 3), run }];
  });
  const variants = [...new Set(named.map((entry) => entry.variant))];
  const workloads = [...new Set(named.map((entry) => entry.workload))];
  const [first, ...others] = variants;
  if (first === undefined) return [];
  const runsOf = (variant: string, workload: string) => named.filter((entry) => entry.variant === variant && entry.workload === workload).map((entry) => entry.run);
  return workloads.flatMap((workload) =>
    others.map((variant) => {
      const base = runsOf(first, workload);
      const mine = runsOf(variant, workload);
      const pairs = Math.min(base.length, mine.length);
      const ratio = (of: (run: CostRun) => number) => median(Array.from({ length: pairs }, (_, k) => of(mine[k]!) / of(base[k]!)));
      return {
        workload,
        variant,
        against: first,
        pairs,
        platformCpu: ratio((run) => platformMs(run.msPerRequest)),
        p50: ratio((run) => run.result.total.latencyMs.p50),
        p99: ratio((run) => run.result.total.latencyMs.p99),
      };
    }),
  );
}
