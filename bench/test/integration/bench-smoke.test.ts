// The benchmark end to end at a tiny rate, so it cannot rot: every stage runs against the real
// platform and every figure of the report is there.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followCount } from '../../src/graph.ts';
import { SMOKE, smokeGraph } from '../../src/presets.ts';
import { checkGoals, thisMachine, writeReport } from '../../src/report.ts';
import { runBench } from '../../src/run-bench.ts';

const finite = (value: number) => Number.isFinite(value) && value >= 0;

describe('make bench, smoke variant', () => {
  it('when run at a tiny rate, then it seeds through the API, measures every operation and fan-out, and writes the whole report', async () => {
    const graph = smokeGraph(1);
    const out = mkdtempSync(join(tmpdir(), 'chirp-bench-'));
    const report = await runBench({ ...SMOKE, graph, quiet: true, profileDir: join(out, 'profiles') });

    expect(report.graph).toMatchObject({ users: 30, follows: followCount(graph), postsSeeded: 60 });
    const { result, fanout, cpu } = report.mixed;
    expect(Object.keys(result.ops).sort()).toEqual(['home-timeline', 'post', 'user-timeline']);
    expect(result.total.errors).toBe(0);
    expect(result.total.latencyMs.count).toBe(SMOKE.rate * (SMOKE.durationMs / 1000));
    for (const op of Object.values(result.ops)) {
      const { p50, p90, p99, p999 } = op.latencyMs;
      expect([p50, p90, p99, p999].every(finite)).toBe(true);
    }
    // Every sampled post reached every follower's home timeline, read through the gateway.
    expect(fanout.client.sampled).toBeGreaterThan(0);
    expect(fanout.client.missed).toBe(0);
    expect(finite(fanout.client.lagMs.p99)).toBe(true);
    expect(fanout.server.chunksObserved).toBeGreaterThan(0);
    expect(cpu.map((use) => use.role)).toEqual(expect.arrayContaining(['gateway', 'timeline', 'load generator']));

    for (const run of [report.steps.chirp, report.steps.hello, report.steps.proxy]) {
      expect(run.steps.length).toBeGreaterThan(0);
      expect(run.steps[0]!.result.total.latencyMs.count).toBeGreaterThan(0);
    }
    expect(report.steps.hello.highestRateUnderGoal).not.toBeNull();
    // Profiles of all four services, each with time spent somewhere.
    expect(Object.keys(report.profiles).sort()).toEqual(['gateway', 'timeline', 'tweet', 'user']);
    for (const profile of Object.values(report.profiles)) expect(profile.busyMs).toBeGreaterThan(0);

    const files = writeReport(out, report, thisMachine());
    const summary = readFileSync(files.markdown, 'utf8');
    for (const goal of checkGoals(report)) expect(summary).toContain(goal.goal);
    for (const heading of ['## Goals', '## Mixed run', '## Step run', '## Where the time went']) expect(summary).toContain(heading);
    expect(summary).toMatch(/\| home-timeline \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 0 \|/);
    expect(readFileSync(files.svg, 'utf8')).toContain('<svg');
    expect(JSON.parse(readFileSync(files.json, 'utf8')).mixed.result.ops.post.latencyMs.count).toBe(result.ops.post!.latencyMs.count);
    expect(existsSync(join(out, 'profiles', 'gateway'))).toBe(true);
  }, 240_000);
});
