// Seeds a graph through the public API, as clients would: register, sign in, follow, post.
// Then waits until fan-out has written every post into its followers' timelines.
import type { CpuUse } from './cpu-usage.ts';
import { type FollowGraph, followCount, handleOf, seededRandom, shuffledIds } from './graph.ts';
import { type BenchClient, callRetrying, expectStatus } from './http-client.ts';
import { scrape, sampleSum } from './metrics-scrape.ts';
import { progressBar } from './progress.ts';
import { postText } from './text.ts';

export const BENCH_PASSWORD = 'bench-password-1';
/** Tokens older than this are renewed before the next phase (they live ACCESS_TOKEN_TTL_SECONDS, an hour in the benchmark). */
const TOKEN_REFRESH_MS = 30 * 60_000;

export interface SeedOptions {
  postsPerUser: number;
  concurrency: number;
  seed: number;
  /** The timeline service's URL, to watch fan-out drain. */
  timelineUrl: string;
  /**
   * Every process whose /metrics report outbox rows or queue depths: after each phase seeding
   * waits until its events are all published and consumed, so the posts' rate and CPU carry no
   * part of the follows' asynchronous work, and says how long each phase's tail took (no wait
   * when absent or empty).
   */
  eventSourceUrls?: readonly string[];
  /**
   * `shuffled` (default): follows in a seeded random order, as users arrive. `file`: in the
   * edge list's order, which is sorted by one end (Reed98's first 700 follows all involve user
   * 0): every follow in flight then waits for the one before it on that user's counters row.
   */
  followOrder?: 'shuffled' | 'file';
  quiet?: boolean;
  /** Called as the follow and post phases start; what it returns is called as each ends (make bench counts each role's CPU). */
  measurePhase?: () => () => CpuUse;
}

/** Seeding's two heavy phases through the public API, per second (acknowledged, not fanned out). */
export interface SeedRates {
  followsPerSecond: number;
  postsPerSecond: number;
  /** Calls retried after a 502/503/504 or a network error (a busy machine). */
  retries: number;
  /** From the last follow acknowledged until its events were all consumed, when `eventSourceUrls` were given. */
  followDrainSeconds?: number;
  /** The same for the posts: their fan-out, counts and notifications done. */
  postDrainSeconds?: number;
  /** The cores each role used while following and while posting, when `measurePhase` was given. */
  followCpu?: CpuUse;
  postCpu?: CpuUse;
}

/** Attempts per seeding call. */
const ATTEMPTS = 12;

export interface SeededUsers {
  /** Access token per user index. */
  tokens: string[];
  posts: number;
  seconds: number;
  rates: SeedRates;
}

export async function seedGraph(client: BenchClient, graph: FollowGraph, options: SeedOptions): Promise<SeededUsers> {
  const started = performance.now();
  const { concurrency, quiet } = options;
  const users = Array.from({ length: graph.users }, (_, i) => i);
  let retries = 0;
  const call = (...args: Parameters<BenchClient['call']>) => callRetrying(client, ATTEMPTS, () => retries++, ...args);
  /** After a phase's last acknowledgement: the seconds until its events were all consumed (undefined without URLs to watch). */
  const drain = async (): Promise<number | undefined> => {
    const urls = options.eventSourceUrls ?? [];
    if (urls.length === 0) return undefined;
    const from = performance.now();
    await waitForEventsToDrain(urls, quiet);
    return (performance.now() - from) / 1000;
  };

  // Registering and signing in hash passwords (argon2 on the user service's four libuv threads):
  // more at once only queue there, past the gateway's downstream timeout on a busy machine.
  const hashing = Math.min(concurrency, 4);
  await inBatches('register', users, hashing, quiet, async (user) => {
    const answer = await call('POST', '/v1/auth/register', { body: { handle: handleOf(user), password: BENCH_PASSWORD } });
    // A retried registration whose first attempt went through finds the handle taken.
    if (!(answer.attempt > 1 && answer.status === 409)) expectStatus(answer, 201, `register ${handleOf(user)}`);
  });

  const tokens: string[] = new Array<string>(graph.users);
  let signedInAt = -Infinity;
  // Access tokens live an hour at most: a phase starting with older ones signs everyone in again.
  const signIn = async () => {
    if (performance.now() - signedInAt < TOKEN_REFRESH_MS) return;
    await inBatches('sign in', users, hashing, quiet, async (user) => {
      const answer = expectStatus(await call('POST', '/v1/auth/login', { body: { handle: handleOf(user), password: BENCH_PASSWORD } }), 200, `login ${handleOf(user)}`);
      tokens[user] = (answer.body as { accessToken: string }).accessToken;
    });
    signedInAt = performance.now();
  };
  await signIn();

  const follows = options.followOrder === 'file' ? Array.from({ length: followCount(graph) }, (_, i) => i) : [...shuffledIds(followCount(graph), seededRandom(options.seed + 2))];
  const followsFrom = performance.now();
  const followsEnd = options.measurePhase?.();
  await inBatches('follow', follows, concurrency, quiet, async (k) => {
    const follower = graph.follows[2 * k]!;
    const followee = graph.follows[2 * k + 1]!;
    const path = `/v1/users/me/following/${handleOf(followee)}`;
    expectStatus(await call('PUT', path, { token: tokens[follower] }), 204, `${handleOf(follower)} follows ${handleOf(followee)}`);
  });

  const followSeconds = (performance.now() - followsFrom) / 1000;
  const followCpu = followsEnd?.();
  const followDrainSeconds = await drain();

  const random = seededRandom(options.seed);
  await signIn();
  const posts = Array.from({ length: graph.users * options.postsPerUser }, (_, i) => i);
  const postsFrom = performance.now();
  const postsEnd = options.measurePhase?.();
  await inBatches('post', posts, concurrency, quiet, async (k) => {
    const author = k % graph.users;
    const text = postText(random, handleOf(Math.floor(random() * graph.users)), k);
    // The key makes a retried post the same post.
    const headers = { 'idempotency-key': `seed-${options.seed}-${k}` };
    expectStatus(await call('POST', '/v1/tweets', { token: tokens[author], body: { text }, headers }), 201, `${handleOf(author)} posts`);
  });

  const postSeconds = (performance.now() - postsFrom) / 1000;
  const postCpu = postsEnd?.();
  const postDrainSeconds = await drain();
  // A drain leaves no fan-out message waiting or in flight, so only without one is the settle needed.
  if (postDrainSeconds === undefined) await waitForFanoutToSettle(options.timelineUrl, quiet);
  await signIn();
  const rates: SeedRates = { followsPerSecond: follows.length / followSeconds, postsPerSecond: posts.length / postSeconds, retries };
  if (followDrainSeconds !== undefined) rates.followDrainSeconds = followDrainSeconds;
  if (postDrainSeconds !== undefined) rates.postDrainSeconds = postDrainSeconds;
  if (followCpu) rates.followCpu = followCpu;
  if (postCpu) rates.postCpu = postCpu;
  return { tokens, posts: posts.length, seconds: (performance.now() - started) / 1000, rates };
}

/**
 * Every user reads their home timeline and their own user timeline once, as the users of a
 * running service would have: a run then measures the steady state, not a cold start in which
 * every first read rebuilds a cache entry (restarted services, or a freshly seeded graph).
 */
export async function warmCaches(client: BenchClient, tokens: readonly string[], concurrency: number, quiet?: boolean): Promise<void> {
  const users = tokens.map((_, i) => i);
  await inBatches('warm up', users, concurrency, quiet, async (user) => {
    const token = tokens[user];
    expectStatus(await client.call('GET', '/v1/timelines/home?limit=10', { token }), 200, `${handleOf(user)} reads home`);
    expectStatus(await client.call('GET', `/v1/users/${handleOf(user)}/tweets?limit=10`, { token }), 200, `${handleOf(user)} reads own tweets`);
  });
}

/**
 * Polls `sample` until it reads quiet twice in a row, `intervalMs` apart, printing each line
 * unless `quiet`; gives up after `timeoutMs` with `stuck` as the error's message.
 */
async function pollUntilQuiet(
  sample: () => Promise<{ quiet: boolean; line: string }>,
  options: { intervalMs: number; timeoutMs: number; quiet: boolean; stuck: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let quietChecks = 0;
  while (quietChecks < 2) {
    if (Date.now() > deadline) throw new Error(options.stuck);
    const { quiet, line } = await sample();
    quietChecks = quiet ? quietChecks + 1 : 0;
    if (!options.quiet) process.stderr.write(`${line}\n`);
    if (quietChecks < 2) await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}

/**
 * Fan-out is done when the timeline queue is empty and no entries were written for a second,
 * twice in a row. Gives up (and says so) after `timeoutMs`.
 */
export async function waitForFanoutToSettle(timelineUrl: string, quiet = false, timeoutMs = 600_000): Promise<void> {
  let previousWritten = -1;
  await pollUntilQuiet(
    async () => {
      const text = await scrape(timelineUrl);
      const depth = sampleSum(text, 'chirp_timeline_queue_depth');
      const written = sampleSum(text, 'chirp_timeline_entries_written_total');
      const settled = depth === 0 && written === previousWritten;
      previousWritten = written;
      return { quiet: settled, line: `fan-out    queue depth ${depth}, ${written} timeline entries written` };
    },
    { intervalMs: 1000, timeoutMs, quiet, stuck: `fan-out had not settled after ${timeoutMs / 1000} s; check the timeline service's chirp_timeline_queue_depth and its log` },
  );
}

/**
 * The platform's events are drained when no outbox row waits to be published and no queue but a
 * dead-letter one holds a message (waiting, in flight or delayed), in every process's /metrics,
 * twice in a row a quarter of a second apart (so a drain is timed to within about half a
 * second, over). Gives up (and says so) after `timeoutMs`.
 */
export async function waitForEventsToDrain(urls: readonly string[], quiet = false, timeoutMs = 600_000): Promise<void> {
  await pollUntilQuiet(
    async () => {
      // A scrape that fails reads as not drained: the wait goes on, up to its deadline.
      const pending = (await Promise.all(urls.map((url) => scrape(url).then(pendingEvents, () => Number.NaN)))).reduce((sum, n) => sum + n, 0);
      return { quiet: pending === 0, line: `drain      ${pending} outbox rows and queued messages` };
    },
    { intervalMs: 250, timeoutMs, quiet, stuck: `events had not drained after ${timeoutMs / 1000} s; check chirp_outbox_pending_events and chirp_sqs_messages on ${urls.join(', ')}` },
  );
}

/** Outbox rows not yet published plus messages on queues other than dead-letter ones, in one /metrics text. */
export function pendingEvents(metrics: string): number {
  let pending = sampleSum(metrics, 'chirp_outbox_pending_events');
  for (const line of metrics.split('\n')) {
    const match = /^chirp_sqs_messages\{(.*)\} (\S+)$/.exec(line);
    if (!match || /(?:^|,)queue="[^"]*-dlq"/.test(match[1]!)) continue;
    pending += Number(match[2]);
  }
  return pending;
}

/** Runs `work` over the items with at most `concurrency` in flight, with a progress bar. */
async function inBatches<T>(label: string, items: readonly T[], concurrency: number, quiet: boolean | undefined, work: (item: T) => Promise<void>): Promise<void> {
  const bar = progressBar(label, items.length, process.stderr, quiet);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
      bar.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  bar.done();
}
