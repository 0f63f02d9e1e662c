// The benchmark's two shapes: the full run `make bench` does, and the smoke run the tests do.
import { type FollowGraph, generateHeavyTailedGraph } from './graph.ts';
import type { BenchOptions } from './run-bench.ts';

type Settings = Omit<BenchOptions, 'graph' | 'profileDir' | 'quiet'>;

/** Seconds at a tiny rate on a 30-user generated graph: every stage runs, nothing is measured. */
export const SMOKE: Settings = {
  postsPerUser: 2,
  seed: 1,
  rate: 20,
  durationMs: 3000,
  warmupMs: 1000,
  stepRates: [20, 40],
  baselineRates: [100, 200],
  stepMs: 2000,
  goalP99Ms: 100,
  costRate: 20,
  costMs: 2000,
  costRepeats: 1,
  idleMs: 1000,
  splitTimeline: true,
  logLevel: 'info',
  connections: 16,
  // Few at once: registrations hash passwords, and a shared machine's tests must not time them out.
  seedConcurrency: 4,
  probeEveryMs: 200,
};

export const smokeGraph = (seed: number): FollowGraph => generateHeavyTailedGraph({ users: 30, meanFollowing: 5, popularityExponent: 1, seed });

/** The full run, around the goals: 1,000 requests/s mixed with p99 under 100 ms. */
export const full = (overrides: Pick<Settings, 'seed' | 'rate' | 'durationMs' | 'stepMs' | 'costRate' | 'costMs' | 'costRepeats' | 'splitTimeline' | 'logLevel'>): Settings => ({
  postsPerUser: 10,
  warmupMs: 3000,
  stepRates: [50, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1250, 1500, 2000],
  baselineRates: [1000, 2000, 4000, 6000, 8000, 12000, 16000],
  goalP99Ms: 100,
  connections: 128,
  seedConcurrency: 32,
  probeEveryMs: 1000,
  idleMs: 5000,
  ...overrides,
});
