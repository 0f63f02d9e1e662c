// The whole benchmark: the machine's baseline, the platform started and seeded, the mixed
// workload at the target rate (with fan-out lag and CPU use), then the step run.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Platform, RATE_LIMITS_RAISED, type RunningService, SERVICES, startPlatform } from '@chirp/testing/platform';
import { type RunningJaeger, startJaeger } from '@chirp/testing/jaeger';
import { stackEnv } from '@chirp/testing/stack';
import { startBaseline } from './baseline.ts';
import { type CostRow, type CostRun, costRows, costRun, idleCores } from './cost.ts';
import { type CpuUse, cpuSnapshot, cpuUse, stackServers } from './cpu-usage.ts';
import { type ProfileSummary, summarizeProfile } from './cpu-profile.ts';
import { createFanoutProbe, type FanoutLag, type FanoutProbe } from './fanout-probe.ts';
import { type FollowGraph, followCount, followersByUser, seededRandom } from './graph.ts';
import { createBenchClient } from './http-client.ts';
import { histogram, histogramDelta, histogramQuantile, scrape } from './metrics-scrape.ts';
import type { LoadResult } from './open-loop.ts';
import { type SeedRates, seedGraph, waitForFanoutToSettle, warmCaches } from './seed.ts';
import { OPERATIONS, socialWorkload } from './social-workload.ts';
import { type EventLoopDelay, type GcPauses, gcLogOf, gcPauses, watchEventLoops } from './stalls.ts';
import { roundOrder } from '@chirp/testing/cpu-counters';
import { median } from './stats.ts';
import { cassandraSlackForVariants, mayChangeTimerSlack, timerSlackOf } from './timer-slack.ts';
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
  /** The cost table: every workload (the mix, then each operation alone) at this rate, this long, this many times. */
  costRate: number;
  costMs: number;
  costRepeats: number;
  /** How long idle CPU is measured before the cost runs. */
  idleMs: number;
  /** The timeline as Kubernetes runs it (api and consumer apart), or as one `all` process (make dev). */
  splitTimeline: boolean;
  /** The services' LOG_LEVEL (info, as deployed). */
  logLevel: string;
  /** The order follows are seeded in (seed.ts): shuffled, or the edge list's (a hot row). */
  followOrder?: 'shuffled' | 'file';
  /**
   * Settings compared in the cost table: each repeat restarts every service with each variant's
   * environment in turn (interleaved, so a busy machine's drift falls on all alike). Empty: the
   * services as started, one row per workload.
   */
  variants?: Array<{ name: string; env: Record<string, string> }>;
  /** Seed and measure the cost table only: no step run, no mixed run. */
  costOnly?: boolean;
  /** The cost table's workloads (default: the mix and every operation alone). */
  costWorkloads?: string[];
  /**
   * What tracing costs: a Jaeger is started (on free ports: freePort picks them), and the cost table
   * compares, after any --variant, the services untraced, with the tracing preload but no endpoint
   * (switched off), and traced, every request sampled and exported to it.
   */
  tracing?: boolean;
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
  graph: { name: string; users: number; follows: number; postsSeeded: number; seedSeconds: number; rates: SeedRates };
  settings: Omit<BenchOptions, 'graph' | 'quiet' | 'profileDir'> & { profiled: boolean };
  /** The mixed run at `rate`; absent with --cost-only. */
  mixed?: {
    result: LoadResult;
    cpu: CpuUse;
    eventLoop?: Record<string, EventLoopDelay>;
    gc?: GcPauses;
    fanout: { client: FanoutLag; server: { chunksObserved: number; p50Ms: number | null; p99Ms: number | null } };
  };
  steps: { chirp: StepRun; hello: StepRun; proxy: StepRun };
  /** The stack's Cassandra's timer slack when the bench began (absent: no Cassandra found, or no CAP_SYS_NICE to read it). */
  cassandraTimerSlackNs?: number;
  cost: {
    rate: number;
    rows: CostRow[];
    runs: CostRun[];
    /** Cores each role used with nothing offered (taken off the runs' CPU). */
    idleCores: Record<string, number>;
    /** One proxy hop in front of hello-world at the same rate (both servers): the machine's floor. */
    proxyHopMs: number | null;
  };
  /** By process: user, tweet, gateway, and timeline or timeline-api and timeline-consumer. */
  profiles: Record<string, ProfileSummary>;
}

/**
 * Followers whose home timelines the probe reads per sampled post. Reading all of them (39 on
 * average in Reed98, 313 at most) made the probe as heavy as the workload at low rates; a chunk
 * of followers is written at once, and the timeline service's histogram covers every chunk.
 */
const PROBED_FOLLOWERS = 5;

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = (line: string) => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  stackEnv(); // Fails now, not after the baseline, when the stack's connection variables are missing.
  const startedAt = new Date().toISOString();
  const stepSettings = { stepMs: options.stepMs, warmupMs: options.warmupMs, goalP99Ms: options.goalP99Ms, log };

  let hello: StepRun = { steps: [], highestRateUnderGoal: null, stoppedBecause: 'not run' };
  let proxy: StepRun = hello;
  let proxyHopMs: number | null = null;
  if (options.baselineRates.length > 0) ({ hello, proxy, proxyHopMs } = await runBaseline(options, stepSettings));

  let jaeger: RunningJaeger | undefined;
  if (options.tracing) {
    jaeger = await startJaeger();
    log(`jaeger for the tracing variants: OTLP ${jaeger.otlpEndpoint}, traces at ${jaeger.queryUrl}`);
  }
  log(`starting the platform (user, tweet, ${options.splitTimeline ? 'timeline api and consumer apart' : 'timeline as one process'}, notification, gateway) on fresh stores`);
  const platform = await startPlatform({
    logLevel: options.logLevel,
    splitTimeline: options.splitTimeline,
    // Tokens must outlive the run: the workload signs in once per user.
    serviceEnv: { gateway: RATE_LIMITS_RAISED, user: { ACCESS_TOKEN_TTL_SECONDS: '3600' } },
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
    await jaeger?.stop();
  };
  // Interrupted (Ctrl-C, kill), the services it started go with it rather than live on as orphans.
  /** Puts back the stack's Cassandra's timer slack if a variant changed it (set once the variants are known). */
  let restoreCassandraSlack = () => {};
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the platform`);
    restoreCassandraSlack();
    void stopPlatform().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    // The queue's depth and the entries written are the consumer's figures.
    const timelineUrl = (platform.timelineConsumer ?? platform.services.timeline).url;
    const eventLoops = watchEventLoops(nodeProcesses(platform));
    const cassandraPid = [...stackServers()].find(([, role]) => role === 'cassandra')?.[0];
    const gcLog = cassandraPid === undefined ? null : gcLogOf(cassandraPid);
    // What the report says of Cassandra's timer slack (stack/cassandra/start.sh sets it), when this process may read it.
    const cassandraTimerSlackNs = cassandraPid !== undefined && mayChangeTimerSlack() ? timerSlackOf(cassandraPid) : undefined;
    log(`seeding ${options.graph.name}: ${options.graph.users} users, ${followCount(options.graph)} follows, ${options.postsPerUser} posts each`);
    const seeded = await seedGraph(client, options.graph, {
      postsPerUser: options.postsPerUser,
      concurrency: options.seedConcurrency,
      seed: options.seed,
      timelineUrl,
      eventSourceUrls: Object.values(nodeProcesses(platform)),
      quiet: options.quiet,
      followOrder: options.followOrder,
      measurePhase: () => {
        const before = cpuSnapshot();
        return () => cpuUse(before, cpuSnapshot());
      },
    });
    if (options.profileDir) await restartProfiled(platform, options.profileDir);
    await warmCaches(client, seeded.tokens, options.seedConcurrency, options.quiet);

    const random = seededRandom(options.seed + 1);
    const followers = followersByUser(options.graph);
    let probe: FanoutProbe | undefined;
    const workload = socialWorkload({ client, tokens: seeded.tokens, random, onPosted: (post) => probe?.onPosted(post) });
    /** One run of the mix at `rate`, with fan-out lag sampled from its posts, the CPU each role used and the stalls. */
    const measureMixed = async (rate: number, durationMs: number): Promise<Step & { fanout: FanoutLag }> => {
      probe = createFanoutProbe({ client: probeClient, tokens: seeded.tokens, followers, sampleEveryMs: options.probeEveryMs, pollMs: 20, giveUpMs: 30_000, maxReaders: PROBED_FOLLOWERS });
      await eventLoops.start();
      const startedAt = Date.now();
      const step = await measureStep(rate, { durationMs, warmupMs: options.warmupMs, next: () => workload.next() });
      const eventLoop = await eventLoops.read();
      return { ...step, eventLoop, gc: gcPauses(gcLog, startedAt, Date.now()), fanout: await probe.finish() };
    };
    // Between runs fan-out catches up, so one run's backlog is not the next one's latency.
    const settle = () => waitForFanoutToSettle(timelineUrl, true, 180_000).catch((error: unknown) => log(`  (${String(error)}; going on)`));

    await settle();
    log('cost table: idle CPU first, then each workload at one rate');
    const idle = await idleCores(options.idleMs);
    const following = new Set<number>();
    for (let k = 0; k < options.graph.follows.length; k += 2) following.add(options.graph.follows[k]! * options.graph.users + options.graph.follows[k + 1]!);
    const costWorkloads = [
      { name: 'mix', next: () => workload.next() },
      ...OPERATIONS.map((op) => {
        const alone = socialWorkload({ client, tokens: seeded.tokens, random, only: op, following });
        return { name: op, next: () => alone.next() };
      }),
    ].filter(({ name }) => options.costWorkloads === undefined || options.costWorkloads.includes(name));
    const costRuns: CostRun[] = [];
    const variants = [...(options.variants ?? []), ...(jaeger ? tracingVariants(jaeger.otlpEndpoint) : [])];
    // A variant may set the running Cassandra's timer slack (a stack setting, not the services').
    const cassandraSlack = cassandraSlackForVariants(cassandraPid, variants);
    restoreCassandraSlack = () => cassandraSlack.restore();
    for (let repeat = 0; repeat < options.costRepeats; repeat++) {
      // Each repeat starts with the next variant: a drift within a repeat (the first run after the
      // seed, caches, data growing) falls on every variant in turn rather than always on the last.
      const order = variants.length > 0 ? roundOrder(variants, repeat) : [undefined];
      for (const variant of order) {
        if (variant) {
          log(`  variant ${variant.name}: restarting the services with ${JSON.stringify(variant.env)}`);
          for (const [, service] of profiledProcesses(platform)) {
            await service.stop();
            await service.start({ env: variant.env });
          }
          const slack = cassandraSlack.apply(variant);
          if (slack !== undefined) log(`  variant ${variant.name}: Cassandra's timer slack ${slack} ns`);
          // The restarted processes' own caches (the gateway's handle directory) and JITs are cold:
          // warmed as after seeding, so a variant's runs measure the steady state too.
          await warmCaches(client, seeded.tokens, options.seedConcurrency, true);
        }
        for (const { name, next } of costWorkloads) {
          const label = variant ? `${variant.name} · ${name}` : name;
          const run = await costRun({ name: label, rate: options.costRate, durationMs: options.costMs, warmupMs: options.warmupMs, next, idle, settle, eventLoops, gcLog });
          costRuns.push(run);
          log(`  ${label} at ${options.costRate}/s: platform ${costRows([run])[0]!.platformMs.toFixed(2)} ms CPU per request, p99 ${run.result.total.latencyMs.p99.toFixed(1)} ms, errors ${run.result.total.errors}`);
        }
      }
    }

    // The step and mixed runs, and the stack after the bench, have the slack Cassandra started with.
    cassandraSlack.restore();

    let chirp: StepRun = { steps: [], highestRateUnderGoal: null, stoppedBecause: 'not run (--cost-only)' };
    let mixed: BenchReport['mixed'];
    if (!options.costOnly) {
      log('step run through the gateway:');
      chirp = await stepRun({ ...stepSettings, rates: options.stepRates, measure: (rate) => measureMixed(rate, options.stepMs), between: settle });

      await settle();
      log(`mixed workload at ${options.rate} req/s for ${options.durationMs / 1000} s`);
      const lagBefore = histogram(await scrape(timelineUrl), 'chirp_timeline_fanout_lag_seconds');
      const run = await measureMixed(options.rate, options.durationMs);
      await settle();
      const lag = histogramDelta(lagBefore, histogram(await scrape(timelineUrl), 'chirp_timeline_fanout_lag_seconds'));
      const toMs = (seconds: number | null) => (seconds === null ? null : seconds * 1000);
      log(`  p50 ${run.result.total.latencyMs.p50.toFixed(1)} ms, p99 ${run.result.total.latencyMs.p99.toFixed(1)} ms, errors ${run.result.total.errors}; fan-out p99 ${run.fanout.lagMs.p99.toFixed(0)} ms`);
      mixed = {
        result: run.result,
        cpu: run.cpu,
        eventLoop: run.eventLoop,
        gc: run.gc,
        fanout: {
          client: run.fanout,
          // One observation per chunk written: per tweet, unless its followers fill several chunks.
          server: { chunksObserved: lag.count, p50Ms: toMs(histogramQuantile(lag, 0.5)), p99Ms: toMs(histogramQuantile(lag, 0.99)) },
        },
      };
    }

    await stopPlatform();
    const profiles = options.profileDir ? readProfiles(options.profileDir) : {};
    const { graph, quiet: _quiet, profileDir, ...settings } = options;
    return {
      startedAt,
      graph: { name: graph.name, users: graph.users, follows: followCount(graph), postsSeeded: seeded.posts, seedSeconds: seeded.seconds, rates: seeded.rates },
      settings: { ...settings, profiled: profileDir !== undefined },
      mixed,
      steps: { chirp, hello, proxy },
      ...(cassandraTimerSlackNs === undefined ? {} : { cassandraTimerSlackNs }),
      cost: { rate: options.costRate, rows: costRows(costRuns), runs: costRuns, idleCores: idle, proxyHopMs },
      profiles,
    };
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    restoreCassandraSlack();
    await stopPlatform();
  }
}

/** Untraced (as deployed), the tracing preload switched off (no endpoint), and every request traced to `otlpEndpoint`. */
export function tracingVariants(otlpEndpoint: string): Array<{ name: string; env: Record<string, string> }> {
  const preload = { NODE_OPTIONS: '--import @chirp/common/tracing' };
  return [
    { name: 'untraced', env: {} },
    { name: 'tracing-off', env: preload },
    { name: 'tracing-on', env: { ...preload, OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint, OTEL_TRACES_SAMPLER: 'parentbased_always_on' } },
  ];
}

/** The machine's limits: step runs against a bare Fastify hello-world and one proxy hop, and the hop's CPU per request at the cost table's rate. */
async function runBaseline(options: BenchOptions, stepSettings: Omit<StepRunOptions, 'rates' | 'measure'>): Promise<{ hello: StepRun; proxy: StepRun; proxyHopMs: number }> {
  const timing = { durationMs: options.stepMs, warmupMs: options.warmupMs };
  stepSettings.log?.('baseline: bare Fastify hello-world, then one proxy hop in front of it');
  const baseline = await startBaseline();
  let hello: StepRun;
  let proxy: StepRun;
  let proxyHopMs: number;
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
    // --cost-only measures the hop's cost alone, the floor the cost table is read against.
    const rates = options.costOnly ? [] : options.baselineRates;
    stepSettings.log?.('hello-world:');
    hello = await stepRun({ ...stepSettings, rates, measure: (rate) => measureStep(rate, { ...timing, next: get(helloClient) }) });
    stepSettings.log?.('one proxy hop:');
    proxy = await stepRun({ ...stepSettings, rates, measure: (rate) => measureStep(rate, { ...timing, next: get(proxyClient) }) });
    const hops = [];
    for (let repeat = 0; repeat < options.costRepeats; repeat++) {
      const run = await costRun({ name: 'proxy hop', rate: options.costRate, durationMs: options.costMs, warmupMs: options.warmupMs, next: get(proxyClient), idle: {}, settle: async () => undefined, eventLoops: watchEventLoops({}), gcLog: null });
      hops.push(run.msPerRequest['baseline server'] ?? 0);
    }
    proxyHopMs = median(hops);
    stepSettings.log?.(`one proxy hop at ${options.costRate}/s: ${proxyHopMs.toFixed(2)} ms CPU per request (both servers)`);
  } finally {
    await Promise.all([helloClient.close(), proxyClient.close()]);
    await baseline.stop();
  }

  return { hello, proxy, proxyHopMs };
}

/** The Node processes of the platform, by name, for their event-loop delay. */
function nodeProcesses(platform: Platform): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const name of SERVICES) urls[name === 'timeline' && platform.timelineConsumer ? 'timeline-api' : name] = platform.services[name].url;
  if (platform.timelineConsumer) urls['timeline-consumer'] = platform.timelineConsumer.url;
  return urls;
}

/** Every process of the platform by the name its profile folder takes. */
function profiledProcesses(platform: Platform): Array<[string, RunningService]> {
  const all: Array<[string, RunningService]> = SERVICES.map((name) => [name === 'timeline' && platform.timelineConsumer ? 'timeline-api' : name, platform.services[name]]);
  if (platform.timelineConsumer) all.push(['timeline-consumer', platform.timelineConsumer]);
  return all;
}

/** Restarts each service with --cpu-prof; the profile is written when it exits at platform.stop(). */
async function restartProfiled(platform: Platform, dir: string): Promise<void> {
  for (const [name, service] of profiledProcesses(platform)) {
    mkdirSync(join(dir, name), { recursive: true });
    await service.stop();
    await service.start({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`] });
  }
}

function readProfiles(dir: string): Record<string, ProfileSummary> {
  const profiles: Record<string, ProfileSummary> = {};
  for (const name of readdirSync(dir)) {
    const files = readdirSync(join(dir, name)).filter((file) => file.endsWith('.cpuprofile'));
    if (files.length > 0) profiles[name] = summarizeProfile(join(dir, name, files.sort().at(-1)!));
  }
  return profiles;
}
