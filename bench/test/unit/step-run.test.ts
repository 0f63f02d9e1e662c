import { describe, expect, it } from 'vitest';
import type { LoadResult, OpResult } from '../../src/open-loop.ts';
import { type Step, stepRun } from '../../src/step-run.ts';
import { summarize } from '../../src/stats.ts';

/** A step whose requests all took `p99` ms (so p99 is that), with `errors` failures beside them. */
const aStep = (rate: number, p99: number, errors = 0): Step => {
  const total: OpResult = { throughput: rate, latencyMs: summarize([p99]), errors, errorsBy: errors > 0 ? { '503': errors } : {} };
  const result: LoadResult = { offeredRate: rate, measuredSeconds: 1, achievedRate: rate, total, ops: { get: total }, sendLagMs: summarize([0]) };
  return { rate, result, cpu: [] };
};

describe('the step run', () => {
  it('when p99 passes the goal at some rate, then it stops there and reports the rate before it', async () => {
    const p99ByRate = new Map([[10, 40], [20, 95], [30, 150], [40, 60]]);
    const between: number[] = [];
    const run = await stepRun({
      rates: [10, 20, 30, 40],
      stepMs: 1,
      warmupMs: 0,
      goalP99Ms: 100,
      measure: async (rate) => aStep(rate, p99ByRate.get(rate)!),
      between: async () => void between.push(1),
    });
    expect(run.steps.map((step) => step.rate)).toEqual([10, 20, 30]);
    expect(run.highestRateUnderGoal).toBe(20);
    expect(run.stoppedBecause).toMatch(/p99 150.0 ms passed 100 ms at 30 req\/s/);
    expect(between).toHaveLength(2);
  });

  it('when a step has errors, then it fails however fast it was; a first failing step leaves no rate', async () => {
    const run = await stepRun({ rates: [10, 20], stepMs: 1, warmupMs: 0, goalP99Ms: 100, measure: async (rate) => aStep(rate, 5, 1) });
    expect(run.highestRateUnderGoal).toBeNull();
    expect(run.stoppedBecause).toMatch(/1 errors at 10 req\/s/);
  });

  it('when every rate stays under the goal, then the last one is reported as a lower bound', async () => {
    const run = await stepRun({ rates: [10, 20], stepMs: 1, warmupMs: 0, goalP99Ms: 100, measure: async (rate) => aStep(rate, 5) });
    expect(run.highestRateUnderGoal).toBe(20);
    expect(run.stoppedBecause).toMatch(/list of rates ended/);
  });
});
