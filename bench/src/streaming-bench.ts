// make bench-streaming: one gateway process holding many Server-Sent Event streams while the
// DeathStarBench mix runs through it at a fixed rate. What it costs (the gateway's memory per
// stream) and how fast events reach clients (act → event read by the client, p50/p99).
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { RATE_LIMITS_RAISED, startPlatform } from '@chirp/testing/platform';
import { stackEnv } from '@chirp/testing/stack';
import { generateHeavyTailedGraph, seededRandom } from './graph.ts';
import { createBenchClient } from './http-client.ts';
import { type CpuUse, cpuSnapshot, cpuUse } from './cpu-usage.ts';
import { histogram, histogramDelta, histogramQuantile, sampleSum, scrape as scrapeOnce } from './metrics-scrape.ts';
import type { LoadResult, Request } from './open-loop.ts';
import { seedGraph } from './seed.ts';
import { socialWorkload } from './social-workload.ts';
import { openSseListeners, type StreamEvent } from './sse-listeners.ts';
import { type LatencySummary, median, summarize } from './stats.ts';
import { type EventLoopDelay, watchEventLoops } from './stalls.ts';
import { measureStep } from './step-run.ts';

/**
 * A gateway holding thousands of streams on a busy machine can take seconds to answer a scrape,
 * and a reused keep-alive connection can be reset under it: waits long, and tries three times.
 */
async function scrape(url: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await scrapeOnce(url, 30_000);
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
/** How long the streams are held with nothing else offered, to see what holding them costs. */
const HOLD_MS = 10_000;

export interface StreamingBenchOptions {
  /** Streams held at once on the one gateway process. */
  connections: number;
  /** Users seeded through the API (a generated graph): they run the mix, and each has one observed stream. */
  users: number;
  meanFollowing: number;
  postsPerUser: number;
  /** The mix's offered rate (requests/s) and how long it is measured, per run. */
  rate: number;
  durationMs: number;
  warmupMs: number;
  /** Runs, each on a restarted gateway opening every stream afresh, measuring memory, then the mix with the streams open. */
  runs: number;
  /** Streams opening at once. */
  openConcurrency: number;
  seed: number;
  logLevel: string;
  quiet?: boolean;
  /** Told of each run as it ends (the report comes at the end, a long benchmark's runs before it). */
  onRun?: (run: StreamingRun, index: number) => void;
}

export interface StreamingRun {
  streams: { requested: number; opened: number; openSeconds: number; heldByGateway: number; endedDuringRun: number };
  /** The gateway process before the streams opened and with them open (medians of a few scrapes). */
  memory: { rssBeforeBytes: number; rssAfterBytes: number; heapBeforeBytes: number; heapAfterBytes: number; rssPerStreamBytes: number; heapPerStreamBytes: number };
  /** Act (the tweet's or notification's createdAt) → the event read by the client, over the observed streams. */
  lagMs: { all: LatencySummary; byEvent: Record<string, LatencySummary> };
  /** The gateway's own histogram, act → written to the stream (bucketed). */
  serverLagMs: { count: number; p50: number | null; p99: number | null };
  mix: LoadResult;
  /** Cores each role used: holding the streams with nothing offered, and during the mix ('other' is the rest of the machine). */
  cpu: { holding: CpuUse; mix: CpuUse };
  /** The gateway's event-loop delay during the mix. */
  gatewayEventLoop: EventLoopDelay | null;
}

export interface StreamingReport {
  startedAt: string;
  settings: Omit<StreamingBenchOptions, 'quiet' | 'onRun'>;
  seedSeconds: number;
  runs: StreamingRun[];
  /** Medians over the runs. */
  median: { rssPerStreamKiB: number; heapPerStreamKiB: number; lagP50Ms: number; lagP99Ms: number; events: number; mixP99Ms: number };
}

/** A few streams for a few seconds: every stage runs, nothing is measured (the test's shape). */
export const STREAMING_SMOKE: StreamingBenchOptions = {
  connections: 60,
  users: 20,
  meanFollowing: 4,
  postsPerUser: 1,
  rate: 10,
  durationMs: 3000,
  warmupMs: 500,
  runs: 1,
  openConcurrency: 20,
  seed: 1,
  logLevel: 'warn',
};

/** Stream users beyond the seeded ones have ids up here, clear of the snowflake ids the services make. */
const LISTENER_ID_BASE = 8_000_000_000_000_000_000n;

export async function runStreamingBench(options: StreamingBenchOptions): Promise<StreamingReport> {
  const log = (line: string) => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  stackEnv();
  if (options.connections < options.users) throw new Error(`--connections (${options.connections}) must be at least --users (${options.users}): each seeded user holds one stream`);
  const startedAt = new Date().toISOString();
  log('starting the platform (one gateway process) on fresh stores');
  const platform = await startPlatform({
    logLevel: options.logLevel,
    serviceEnv: { gateway: RATE_LIMITS_RAISED, user: { ACCESS_TOKEN_TTL_SECONDS: '3600' } },
  });
  const client = createBenchClient(platform.gatewayUrl, 32);
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the platform`);
    void platform.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const graph = generateHeavyTailedGraph({ users: options.users, meanFollowing: options.meanFollowing, popularityExponent: 1, seed: options.seed });
    log(`seeding ${graph.users} users, ${graph.follows.length / 2} follows, ${options.postsPerUser} posts each`);
    const seeded = await seedGraph(client, graph, { postsPerUser: options.postsPerUser, concurrency: 8, seed: options.seed, timelineUrl: platform.services.timeline.url, quiet: options.quiet });
    // The seeded users' streams are observed; the rest are distinct users with no follows, whose
    // tokens are signed here with the platform's key (registering 10,000 accounts hashes 10,000
    // passwords: many minutes on a small machine, and not what is measured).
    const key = createPrivateKey(platform.signingKey.pem);
    const listenerTokens = Array.from({ length: options.connections - options.users }, (_, i) => accessToken(key, platform.signingKey.kid, String(LISTENER_ID_BASE + BigInt(i)), 3600));
    const tokens = [...seeded.tokens, ...listenerTokens];
    const workload = socialWorkload({ client, tokens: seeded.tokens, random: seededRandom(options.seed + 1) });

    const runs: StreamingRun[] = [];
    for (let run = 1; run <= options.runs; run++) {
      // A process that held the streams keeps much of their memory after they close (V8's heap
      // and the allocator hand it back slowly): each run measures a fresh gateway.
      if (run > 1) {
        await platform.services.gateway.stop();
        await platform.services.gateway.start();
      }
      log(`run ${run}/${options.runs}: ${options.connections} streams, then the mix at ${options.rate} req/s for ${options.durationMs / 1000} s`);
      const measured = await measureRun(platform.gatewayUrl, tokens, options, () => workload.next(), log);
      runs.push(measured);
      options.onRun?.(measured, run - 1);
    }
    const seedSeconds = seeded.seconds;
    const { quiet: _quiet, onRun: _onRun, ...settings } = options;
    const m = (pick: (run: StreamingRun) => number) => median(runs.map(pick));
    return {
      startedAt,
      settings,
      seedSeconds,
      runs,
      median: {
        rssPerStreamKiB: m((r) => r.memory.rssPerStreamBytes) / 1024,
        heapPerStreamKiB: m((r) => r.memory.heapPerStreamBytes) / 1024,
        lagP50Ms: m((r) => r.lagMs.all.p50),
        lagP99Ms: m((r) => r.lagMs.all.p99),
        events: m((r) => r.lagMs.all.count),
        mixP99Ms: m((r) => r.mix.total.latencyMs.p99),
      },
    };
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await client.close().catch(() => undefined);
    await platform.stop();
  }
}

async function measureRun(gatewayUrl: string, tokens: readonly string[], options: StreamingBenchOptions, next: () => Request, log: (line: string) => void): Promise<StreamingRun> {
  const before = await gatewayMemory(gatewayUrl);
  const samples: Array<{ event: string; lagMs: number }> = [];
  let recording = false;
  const onEvent = (_index: number, event: StreamEvent) => {
    if (!recording) return;
    // update: a Tweet; notification: a Notification; both carry when the act happened.
    const createdAt = (JSON.parse(event.data) as { createdAt?: string }).createdAt;
    if (createdAt !== undefined) samples.push({ event: event.event, lagMs: event.receivedAt - Date.parse(createdAt) });
  };
  const openedAt = performance.now();
  const listeners = await openSseListeners({ origin: gatewayUrl, tokens, concurrency: options.openConcurrency, observed: (i) => i < options.users, onEvent, quiet: options.quiet });
  const openSeconds = (performance.now() - openedAt) / 1000;
  try {
    // Let the opening's garbage and buffers settle before reading what the streams hold.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const after = await gatewayMemory(gatewayUrl);
    const held = sampleSum(await scrape(gatewayUrl), 'chirp_gateway_stream_connections');
    log(`  ${listeners.open} streams open in ${openSeconds.toFixed(1)} s (the gateway holds ${held}); RSS ${mib(before.rss)} → ${mib(after.rss)} MiB, heap ${mib(before.heap)} → ${mib(after.heap)} MiB`);

    const holdingFrom = cpuSnapshot();
    await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
    const holding = cpuUse(holdingFrom, cpuSnapshot());

    const lagBefore = histogram(await scrape(gatewayUrl), 'chirp_gateway_stream_delivery_lag_seconds');
    const eventLoop = watchEventLoops({ gateway: gatewayUrl });
    await eventLoop.start();
    recording = true;
    const step = await measureStep(options.rate, { durationMs: options.durationMs, warmupMs: options.warmupMs, next });
    const gatewayEventLoop = (await eventLoop.read()).gateway ?? null;
    // Events of the last posts are still on their way (fan-out, then the stream).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    recording = false;
    const lag = histogramDelta(lagBefore, histogram(await scrape(gatewayUrl), 'chirp_gateway_stream_delivery_lag_seconds'));
    const byEvent: Record<string, LatencySummary> = {};
    for (const event of new Set(samples.map((s) => s.event))) byEvent[event] = summarize(samples.filter((s) => s.event === event).map((s) => s.lagMs));
    const all = summarize(samples.map((s) => s.lagMs));
    const toMs = (seconds: number | null) => (seconds === null ? null : seconds * 1000);
    const result: StreamingRun = {
      streams: { requested: tokens.length, opened: tokens.length, openSeconds, heldByGateway: held, endedDuringRun: listeners.ended },
      memory: {
        rssBeforeBytes: before.rss,
        rssAfterBytes: after.rss,
        heapBeforeBytes: before.heap,
        heapAfterBytes: after.heap,
        rssPerStreamBytes: (after.rss - before.rss) / tokens.length,
        heapPerStreamBytes: (after.heap - before.heap) / tokens.length,
      },
      lagMs: { all, byEvent },
      serverLagMs: { count: lag.count, p50: toMs(histogramQuantile(lag, 0.5)), p99: toMs(histogramQuantile(lag, 0.99)) },
      mix: step.result,
      cpu: { holding, mix: step.cpu },
      gatewayEventLoop,
    };
    log(
      `  mix: ${step.result.achievedRate.toFixed(0)} req/s, p50 ${step.result.total.latencyMs.p50.toFixed(1)} ms, p99 ${step.result.total.latencyMs.p99.toFixed(1)} ms, errors ${step.result.total.errors}; ` +
        `events ${all.count}, lag p50 ${all.p50.toFixed(0)} ms, p99 ${all.p99.toFixed(0)} ms; streams ended meanwhile ${listeners.ended}`,
    );
    log(`  cores holding the streams: ${cores(holding)}; during the mix: ${cores(step.cpu)}; gateway event-loop delay p99 ${gatewayEventLoop?.p99Ms.toFixed(0)} ms, max ${gatewayEventLoop?.maxMs.toFixed(0)} ms`);
    return result;
  } finally {
    await listeners.close();
    await waitForStreamsClosed(gatewayUrl);
  }
}

/** The gateway's resident set and V8 heap in use, each the median of five scrapes half a second apart. */
async function gatewayMemory(gatewayUrl: string): Promise<{ rss: number; heap: number }> {
  const rss: number[] = [];
  const heap: number[] = [];
  for (let i = 0; i < 5; i++) {
    const text = await scrape(gatewayUrl);
    rss.push(sampleSum(text, 'process_resident_memory_bytes'));
    heap.push(sampleSum(text, 'nodejs_heap_size_used_bytes'));
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { rss: median(rss), heap: median(heap) };
}

async function waitForStreamsClosed(gatewayUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (sampleSum(await scrape(gatewayUrl), 'chirp_gateway_stream_connections') > 0) {
    if (Date.now() > deadline) throw new Error(`the gateway still held streams ${timeoutMs / 1000} s after every client went; check chirp_gateway_stream_connections`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const cores = (use: CpuUse) => use.map(({ role, cores: n }) => `${role} ${n.toFixed(2)}`).join(', ');
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

/** An access token as the user service signs them (RS256, its key and kid), for a user that holds only a stream. */
function accessToken(key: KeyObject, kid: string, userId: string, ttlSeconds: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT', kid })}.${part({ sub: userId, sid: `bench-${userId}`, handle: `listener_${userId}`, iss: 'chirp-user', aud: 'chirp-api', iat: now, exp: now + ttlSeconds })}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), key).toString('base64url')}`;
}
