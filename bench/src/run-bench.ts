// The whole benchmark: the machine's baseline, the platform started and seeded, the mixed
// workload at the target rate (with fan-out lag and CPU use), then the step run.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Platform, type ServiceName, SERVICES, startPlatform } from '@chirp/testing/platform';
import { stackEnv } from '@chirp/testing/stack';
import { startBaseline } from './baseline.ts';
import type { CpuUse } from './cpu-usage.ts';
import { type ProfileSummary, summarizeProfile } from './cpu-profile.ts';
import { createFanoutProbe, type FanoutLag, type FanoutProbe } from './fanout-probe.ts';
import { type FollowGraph, followCount, followersByUser, seededRandom } from './graph.ts';
import { createBenchClient } from './http-client.ts';
import { histogram, histogramDelta, histogramQuantile, scrape } from './metrics-scrape.ts';
import type { LoadResult } from './open-loop.ts';
import { seedGraph, waitForFanoutToSettle, warmCaches } from './seed.ts';
import { socialWorkload } from './social-workload.ts';
import { measureStep, type Step, type StepRun, stepRun, type StepRunOptions } from './step-run.ts';

export interface BenchOptions {
  graph: FollowGraph;
  postsPerUser: number;
  seed: number;
  /** The mixed run: offered rate and measured seconds. */
  rate: number;
  durationMs: number;
  warmupMs: number;
  /** The step runs: rates to try in order, and how long each is measured. */
  stepRates: number[];
  /** Empty: no baseline (a quicker run while working on Chirp itself). */
  baselineRates: number[];
  stepMs: number;
  goalP99Ms: number;
  /** Connections from the load generator to the gateway. */
  connections: number;
  seedConcurrency: number;
  /** Fan-out probe: at most one sampled post per this many ms. */
  probeEveryMs: number;
  /** Record CPU profiles of the four services during the measured runs, into this folder. */
  profileDir?: string;
  quiet?: boolean;
}

export interface BenchReport {
  startedAt: string;
  graph: { name: string; users: number; follows: number; postsSeeded: number; seedSeconds: number };
  settings: Omit<BenchOptions, 'graph' | 'quiet' | 'profileDir'> & { profiled: boolean };
  mixed: {
    result: LoadResult;
    cpu: CpuUse;
    fanout: { client: FanoutLag; server: { chunksObserved: number; p50Ms: number | null; p99Ms: number | null } };
  };
  steps: { chirp: StepRun; hello: StepRun; proxy: StepRun };
  profiles: Partial<Record<ServiceName, ProfileSummary>>;
}

/**
 * Followers whose home timelines the probe reads per sampled post. Reading all of them (39 on
 * average in Reed98, 313 at most) made the probe as heavy as the workload at low rates; a chunk
 * of followers is written at once, and the timeline service's histogram covers every chunk.
 */
const PROBED_FOLLOWERS = 5;

/** Everything the gateway must allow for the run: the workload is thousands of users at once. */
const RAISED_LIMITS = {
  RATE_LIMIT_SIGN_IN: '1000000',
  RATE_LIMIT_SESSION: '1000000',
  RATE_LIMIT_POST: '1000000',
  RATE_LIMIT_AUTHENTICATED: '1000000',
  RATE_LIMIT_ANONYMOUS: '1000000',
};

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = (line: string) => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  stackEnv(); // Fails now, not after the baseline, when the stack's connection variables are missing.
  const startedAt = new Date().toISOString();
  const stepSettings = { stepMs: options.stepMs, warmupMs: options.warmupMs, goalP99Ms: options.goalP99Ms, log };

  let hello: StepRun = { steps: [], highestRateUnderGoal: null, stoppedBecause: 'not run' };
  let proxy: StepRun = hello;
  if (options.baselineRates.length > 0) ({ hello, proxy } = await runBaseline(options, stepSettings));

  log('starting the platform (user, tweet, timeline, gateway) on fresh stores');
  const platform = await startPlatform({
    logLevel: 'warn',
    // Tokens must outlive the run: the workload signs in once per user.
    serviceEnv: { gateway: RAISED_LIMITS, user: { ACCESS_TOKEN_TTL_SECONDS: '3600' } },
  });
  const client = createBenchClient(platform.gatewayUrl, options.connections);
  // The probe's reads have their own few connections, so they never queue ahead of the workload.
  const probeClient = createBenchClient(platform.gatewayUrl, 8);
  let stopped = false;
  const stopPlatform = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all([client.close(), probeClient.close()]).catch(() => undefined);
    await platform.stop();
  };
  try {
    const timelineUrl = platform.services.timeline.url;
    log(`seeding ${options.graph.name}: ${options.graph.users} users, ${followCount(options.graph)} follows, ${options.postsPerUser} posts each`);
    const seeded = await seedGraph(client, options.graph, {
      postsPerUser: options.postsPerUser,
      concurrency: options.seedConcurrency,
      seed: options.seed,
      timelineUrl,
      quiet: options.quiet,
    });
    if (options.profileDir) await restartProfiled(platform, options.profileDir);
    await warmCaches(client, seeded.tokens, options.seedConcurrency, options.quiet);

    const random = seededRandom(options.seed + 1);
    const followers = followersByUser(options.graph);
    let probe: FanoutProbe | undefined;
    const workload = socialWorkload({ client, tokens: seeded.tokens, random, onPosted: (post) => probe?.onPosted(post) });
    /** One run of the mix at `rate`, with fan-out lag sampled from its posts and the CPU each role used. */
    const measureMixed = async (rate: number, durationMs: number): Promise<Step & { fanout: FanoutLag }> => {
      probe = createFanoutProbe({ client: probeClient, tokens: seeded.tokens, followers, sampleEveryMs: options.probeEveryMs, pollMs: 20, giveUpMs: 30_000, maxReaders: PROBED_FOLLOWERS });
      const step = await measureStep(rate, { durationMs, warmupMs: options.warmupMs, next: () => workload.next() });
      return { ...step, fanout: await probe.finish() };
    };
    // Between runs fan-out catches up, so one run's backlog is not the next one's latency.
    const settle = () => waitForFanoutToSettle(timelineUrl, true, 180_000).catch((error: unknown) => log(`  (${String(error)}; going on)`));

    log('step run through the gateway:');
    const chirp = await stepRun({ ...stepSettings, rates: options.stepRates, measure: (rate) => measureMixed(rate, options.stepMs), between: settle });

    await settle();
    log(`mixed workload at ${options.rate} req/s for ${options.durationMs / 1000} s`);
    const lagBefore = histogram(await scrape(timelineUrl), 'chirp_timeline_fanout_lag_seconds');
    const mixed = await measureMixed(options.rate, options.durationMs);
    await settle();
    const lag = histogramDelta(lagBefore, histogram(await scrape(timelineUrl), 'chirp_timeline_fanout_lag_seconds'));
    const toMs = (seconds: number | null) => (seconds === null ? null : seconds * 1000);
    log(`  p50 ${mixed.result.total.latencyMs.p50.toFixed(1)} ms, p99 ${mixed.result.total.latencyMs.p99.toFixed(1)} ms, errors ${mixed.result.total.errors}; fan-out p99 ${mixed.fanout.lagMs.p99.toFixed(0)} ms`);

    await stopPlatform();
    const profiles = options.profileDir ? readProfiles(options.profileDir) : {};
    const { graph, quiet: _quiet, profileDir, ...settings } = options;
    return {
      startedAt,
      graph: { name: graph.name, users: graph.users, follows: followCount(graph), postsSeeded: seeded.posts, seedSeconds: seeded.seconds },
      settings: { ...settings, profiled: profileDir !== undefined },
      mixed: {
        result: mixed.result,
        cpu: mixed.cpu,
        fanout: {
          client: mixed.fanout,
          // One observation per chunk written: per tweet, unless its followers fill several chunks.
          server: { chunksObserved: lag.count, p50Ms: toMs(histogramQuantile(lag, 0.5)), p99Ms: toMs(histogramQuantile(lag, 0.99)) },
        },
      },
      steps: { chirp, hello, proxy },
      profiles,
    };
  } finally {
    await stopPlatform();
  }
}

/** The machine's limits: step runs against a bare Fastify hello-world and one proxy hop. */
async function runBaseline(options: BenchOptions, stepSettings: Omit<StepRunOptions, 'rates' | 'measure'>): Promise<{ hello: StepRun; proxy: StepRun }> {
  const timing = { durationMs: options.stepMs, warmupMs: options.warmupMs };
  stepSettings.log?.('baseline: bare Fastify hello-world, then one proxy hop in front of it');
  const baseline = await startBaseline();
  let hello: StepRun;
  let proxy: StepRun;
  const helloClient = createBenchClient(baseline.helloUrl, options.connections);
  const proxyClient = createBenchClient(baseline.proxyUrl, options.connections);
  try {
    const get = (client: typeof helloClient) => () => ({
      op: 'hello',
      send: async () => {
        const { status } = await client.call('GET', '/');
        return { ok: status === 200, status };
      },
    });
    stepSettings.log?.('hello-world:');
    hello = await stepRun({ ...stepSettings, rates: options.baselineRates, measure: (rate) => measureStep(rate, { ...timing, next: get(helloClient) }) });
    stepSettings.log?.('one proxy hop:');
    proxy = await stepRun({ ...stepSettings, rates: options.baselineRates, measure: (rate) => measureStep(rate, { ...timing, next: get(proxyClient) }) });
  } finally {
    await Promise.all([helloClient.close(), proxyClient.close()]);
    await baseline.stop();
  }

  return { hello, proxy };
}

/** Restarts each service with --cpu-prof; the profile is written when it exits at platform.stop(). */
async function restartProfiled(platform: Platform, dir: string): Promise<void> {
  for (const name of SERVICES) {
    mkdirSync(join(dir, name), { recursive: true });
    await platform.services[name].stop();
    await platform.services[name].start({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`] });
  }
}

function readProfiles(dir: string): Partial<Record<ServiceName, ProfileSummary>> {
  const profiles: Partial<Record<ServiceName, ProfileSummary>> = {};
  for (const name of SERVICES) {
    const files = readdirSync(join(dir, name)).filter((file) => file.endsWith('.cpuprofile'));
    if (files.length > 0) profiles[name] = summarizeProfile(join(dir, name, files.sort().at(-1)!));
  }
  return profiles;
}
