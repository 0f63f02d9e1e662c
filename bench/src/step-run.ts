// Raises the offered rate step by step until p99 passes the goal (or errors appear), and says
// the highest rate that stayed under it.
import { type CpuUse, cpuSnapshot, cpuUse } from './cpu-usage.ts';
import type { FanoutLag } from './fanout-probe.ts';
import type { EventLoopDelay, GcPauses } from './stalls.ts';
import { type LoadResult, type Request, runOpenLoop } from './open-loop.ts';

export interface Step {
  rate: number;
  result: LoadResult;
  cpu: CpuUse;
  /** Chirp's steps only: fan-out lag of posts sampled during the step. */
  fanout?: FanoutLag;
  /** Chirp's steps only: each Node process's event-loop delay, and Cassandra's GC pauses. */
  eventLoop?: Record<string, EventLoopDelay>;
  gc?: GcPauses;
}

export interface StepRun {
  steps: Step[];
  /** The highest offered rate whose p99 stayed at or under the goal with no errors; null if none did. */
  highestRateUnderGoal: number | null;
  stoppedBecause: string;
}

export interface StepRunOptions {
  rates: readonly number[];
  stepMs: number;
  warmupMs: number;
  goalP99Ms: number;
  /** Measures one step at `rate` (measureStep by default). */
  measure: (rate: number) => Promise<Step>;
  /** Run between steps (the benchmark lets fan-out catch up). */
  between?: () => Promise<void>;
  log?: (line: string) => void;
}

const withinGoal = (result: LoadResult, goalP99Ms: number): boolean => result.total.errors === 0 && result.total.latencyMs.p99 <= goalP99Ms;

export async function stepRun(options: StepRunOptions): Promise<StepRun> {
  const steps: Step[] = [];
  let highest: number | null = null;
  for (const [i, rate] of options.rates.entries()) {
    if (i > 0) await options.between?.();
    const step = await options.measure(rate);
    steps.push(step);
    const { result } = step;
    const { p50, p99 } = result.total.latencyMs;
    options.log?.(`  ${rate} req/s: achieved ${result.achievedRate.toFixed(0)}/s, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, errors ${result.total.errors}`);
    if (!withinGoal(result, options.goalP99Ms)) {
      const why = result.total.errors > 0 ? `${result.total.errors} errors at ${rate} req/s` : `p99 ${p99.toFixed(1)} ms passed ${options.goalP99Ms} ms at ${rate} req/s`;
      return { steps, highestRateUnderGoal: highest, stoppedBecause: why };
    }
    highest = rate;
  }
  if (options.rates.length === 0) return { steps, highestRateUnderGoal: null, stoppedBecause: 'not run' };
  return { steps, highestRateUnderGoal: highest, stoppedBecause: `every rate up to ${options.rates.at(-1)} req/s stayed under the goal (the list of rates ended)` };
}

/** One open-loop run at `rate`, with the CPU each role used meanwhile. */
export async function measureStep(rate: number, options: { durationMs: number; warmupMs: number; next: () => Request }): Promise<Step> {
  const before = cpuSnapshot();
  const result = await runOpenLoop({ rate, durationMs: options.durationMs, warmupMs: options.warmupMs, next: options.next });
  return { rate, result, cpu: cpuUse(before, cpuSnapshot()) };
}
