// make bench-streaming at a few streams, so it cannot rot: the platform, the seeded users, the
// streams opened by the load generator, the mix with them open, and every figure reported.
import { describe, expect, it } from 'vitest';
import { runStreamingBench, STREAMING_SMOKE } from '../../src/streaming-bench.ts';

const finite = (value: number | null) => value !== null && Number.isFinite(value);

describe('make bench-streaming, smoke variant', () => {
  it('when run with a few streams, then every stream is held through the mix, events reach the observed ones, and memory and lag are reported', async () => {
    const report = await runStreamingBench({ ...STREAMING_SMOKE, quiet: true });

    expect(report.runs).toHaveLength(1);
    const [run] = report.runs;
    expect(run!.streams).toMatchObject({ requested: STREAMING_SMOKE.connections, heldByGateway: STREAMING_SMOKE.connections, endedDuringRun: 0 });
    expect(run!.memory.rssAfterBytes).toBeGreaterThan(0);
    expect(run!.memory.heapAfterBytes).toBeGreaterThan(0);
    expect([run!.memory.rssPerStreamBytes, run!.memory.heapPerStreamBytes].every(finite)).toBe(true);
    // The mix's posts reach followers (update) and the users they mention (notification).
    expect(run!.lagMs.all.count).toBeGreaterThan(0);
    expect(Object.keys(run!.lagMs.byEvent)).toContain('update');
    expect([run!.lagMs.all.p50, run!.lagMs.all.p99].every(finite)).toBe(true);
    expect(run!.serverLagMs.count).toBeGreaterThan(0);
    expect(finite(run!.serverLagMs.p99)).toBe(true);
    expect(run!.mix.total.errors).toBe(0);
    expect(run!.mix.total.latencyMs.count).toBe(STREAMING_SMOKE.rate * (STREAMING_SMOKE.durationMs / 1000));
    expect(report.median.events).toBe(run!.lagMs.all.count);
  }, 360_000);
});
