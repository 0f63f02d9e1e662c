// One chaos run: a private stack (the servers it may kill) and platform on ports of its own,
// the posting workload, a nemesis that kills -9 one component at a time and restarts it a few
// seconds later, then the wait for convergence after the last heal, and the checker's report.
import { existsSync, lstatSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAwsMessagingClients } from '@chirp/common/aws-clients';
import { applyTopology, CHIRP_TOPOLOGY } from '@chirp/common/messaging-topology';
import { type Platform, RATE_LIMITS_RAISED, type ServiceName, SERVICES, startPlatform } from '@chirp/testing/platform';
import { check, type CheckReport, isClean, type Observations, type Post, type TimelineEntry } from './checker.ts';
import { type PrivateStack, SERVERS, type ServerName, startPrivateStack } from './private-stack.ts';
import { type Api, createApi } from '@chirp/testing/public-api';
import { type ChaosUser, persist, pool, postSteadily, setUpUsers } from './workload.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
export type Component = ServiceName | ServerName;
export const COMPONENTS: readonly Component[] = ['tweet', 'timeline', 'user', 'gateway', 'notification', 'redis', 'sqs', 'cassandra', 'postgres'];
const HOME_CAPACITY = 800;
/** Reads the checker makes at once. */
const OBSERVERS = 8;

export interface ChaosOptions {
  /** The components killed, in this order, one at a time. */
  faults: readonly Component[];
  users: number;
  follows: number;
  ratePerSecond: number;
  seconds: number;
  /** How long a killed component stays down before it is started again. */
  downSeconds: number;
  /** How long after the workload's last post a post's retries may go on (they end once acknowledged). */
  retryGraceSeconds?: number;
  /** How long after the last heal convergence is awaited before the run reports what is still off. */
  convergeTimeoutSeconds: number;
  /** The servers run privately (every server a fault names must be among them); the others come from the environment. */
  privateServers: readonly ServerName[];
  /** The first of this run's ports: private servers, then the services. */
  portBase: number;
  log?: (line: string) => void;
}

export interface FaultRecord {
  component: Component;
  killedAtSeconds: number;
  healedAtSeconds: number;
}

export interface ChaosResult {
  report: CheckReport;
  faults: FaultRecord[];
  attempts: number;
  /** Every post attempt's outcome, counted (`201`, `503 SERVICE_UNAVAILABLE`, `timeout`...). */
  outcomes: Record<string, number>;
  unacknowledged: Array<{ key: string; last: string }>;
  /** From the last heal to the end of the first clean check; undefined when it never got clean within the timeout. */
  convergedAfterSeconds: number | undefined;
  workloadSeconds: number;
  /** From the last heal to the last acknowledgement (negative when every post was acknowledged before it). */
  lastAckAfterHealSeconds: number | undefined;
  /** Each pass of the convergence check: when it started and how long it took after the last heal, and what was still off. */
  checks: CheckPass[];
}

export interface CheckPass {
  startedAfterHealSeconds: number;
  tookSeconds: number;
  off: { lost: number; duplicated: number; missingFromFollowers: number; missingFromAuthorHome: number; countDrift: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? ((line: string) => console.info(line));
  const killedServers = options.faults.filter((fault): fault is ServerName => (SERVERS as readonly string[]).includes(fault));
  const unprotected = killedServers.filter((server) => !options.privateServers.includes(server));
  if (unprotected.length > 0) throw new Error(`faults name ${unprotected.join(', ')}, which would be shared servers; run them privately (privateServers)`);

  const dir = mkdtempSync(join(tmpdir(), 'chirp-chaos-'));
  const base = options.portBase;
  log(`chaos: starting private ${options.privateServers.join(', ') || 'nothing'} in ${dir}`);
  const stack = await startPrivateStack({
    root,
    dir: join(dir, 'stack'),
    servers: options.privateServers,
    ports: { postgres: base, redis: base + 1, sqs: base + 2, cassandra: base + 3, cassandraStorage: base + 4 },
  });
  // The platform's helpers read the servers from the environment; this process's are the run's.
  const savedEnv = { ...process.env };
  Object.assign(process.env, stack.env);
  let platform: Platform | undefined;
  try {
    platform = await startPlatform({
      logLevel: 'info',
      serviceEnv: { user: { ACCESS_TOKEN_TTL_SECONDS: '3600' }, gateway: RATE_LIMITS_RAISED },
    });
    return await exercise(platform, stack, options, log);
  } finally {
    await platform?.stop().catch((error: unknown) => log(`chaos: stopping the platform failed: ${(error as Error).message}`));
    process.env = savedEnv;
    await stack.stop().catch((error: unknown) => log(`chaos: stopping the private stack failed: ${(error as Error).message}`));
    // Postgres's files live outside the folder when the postgres user could not reach it (stack.sh links them).
    const postgresLink = join(dir, 'stack/postgres');
    if (existsSync(postgresLink) && lstatSync(postgresLink).isSymbolicLink()) rmSync(realpathSync(postgresLink), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

async function exercise(platform: Platform, stack: PrivateStack, options: ChaosOptions, log: (line: string) => void): Promise<ChaosResult> {
  const api = createApi(platform.gatewayUrl);
  log(`chaos: ${options.users} users, each following ${options.follows}`);
  const { users, followers } = await setUpUsers(api, options.users, options.follows, Date.now() + 300_000);

  const runId = Date.now().toString(36);
  const started = Date.now();
  const since = () => Math.round((Date.now() - started) / 100) / 10;
  log(`chaos: posting ${options.ratePerSecond}/s for ${options.seconds} s; ${options.faults.length} faults: ${options.faults.join(', ')}`);
  const posting = postSteadily(api, users, { ratePerSecond: options.ratePerSecond, seconds: options.seconds, retryGraceMs: (options.retryGraceSeconds ?? 120) * 1000, runId });
  const faults: FaultRecord[] = [];
  const slot = (options.seconds * 1000) / options.faults.length;
  for (const [index, component] of options.faults.entries()) {
    const due = started + slot * index + Math.max(0, slot - options.downSeconds * 1000) / 2;
    if (due > Date.now()) await sleep(due - Date.now());
    const killedAtSeconds = since();
    log(`chaos: t=${killedAtSeconds}s kill -9 ${component}`);
    await kill(platform, stack, component);
    await sleep(options.downSeconds * 1000);
    await heal(platform, stack, component);
    faults.push({ component, killedAtSeconds, healedAtSeconds: since() });
    log(`chaos: t=${since()}s ${component} is back`);
  }
  const lastHeal = Date.now();
  const { posts, attempts, unacknowledged, outcomes } = await posting;
  const workloadSeconds = since();
  log(`chaos: workload done at t=${workloadSeconds}s: ${posts.filter((post) => post.id).length} of ${posts.length} acknowledged after ${attempts} attempts`);

  const ackTimes = posts.flatMap((post) => (post.ackedAtMs === undefined ? [] : [post.ackedAtMs]));
  const lastAckAfterHealSeconds = ackTimes.length === 0 ? undefined : afterSeconds(lastHeal, Math.max(...ackTimes));
  log(`chaos: last acknowledgement ${lastAckAfterHealSeconds} s after the last heal`);

  let convergedAfterSeconds: number | undefined;
  const checks: CheckPass[] = [];
  for (;;) {
    const passStarted = Date.now();
    const report = check({ posts, followers, observed: await observe(api, users, posts, { byId: false }), homeCapacity: HOME_CAPACITY });
    const pass = { startedAfterHealSeconds: afterSeconds(lastHeal, passStarted), tookSeconds: afterSeconds(passStarted, Date.now()), off: offCounts(report) };
    checks.push(pass);
    log(`chaos: check at +${pass.startedAfterHealSeconds}s took ${pass.tookSeconds}s; off: ${JSON.stringify(pass.off)}`);
    if (isClean(report)) {
      convergedAfterSeconds = afterSeconds(lastHeal, Date.now());
      break;
    }
    if (Date.now() - lastHeal > options.convergeTimeoutSeconds * 1000) break;
    await sleep(1000);
  }
  log(convergedAfterSeconds === undefined ? `chaos: not converged ${options.convergeTimeoutSeconds} s after the last heal` : `chaos: converged ${convergedAfterSeconds} s after the last heal`);
  const report = check({ posts, followers, observed: await observe(api, users, posts, { byId: true }), homeCapacity: HOME_CAPACITY });
  return { report, faults, attempts, outcomes, unacknowledged, convergedAfterSeconds, workloadSeconds, lastAckAfterHealSeconds, checks };
}

const afterSeconds = (from: number, to: number): number => Math.round((to - from) / 100) / 10;
const offCounts = (report: CheckReport): CheckPass['off'] => ({
  lost: report.lost.length,
  duplicated: report.duplicated.length,
  missingFromFollowers: report.missingFromFollowers.length,
  missingFromAuthorHome: report.missingFromAuthorHome.length,
  countDrift: report.countDrift.length,
});

async function kill(platform: Platform, stack: PrivateStack, component: Component): Promise<void> {
  if ((SERVICES as readonly string[]).includes(component)) await platform.services[component as ServiceName].kill();
  else await stack.kill(component as ServerName);
}

async function heal(platform: Platform, stack: PrivateStack, component: Component): Promise<void> {
  if ((SERVICES as readonly string[]).includes(component)) {
    await platform.services[component as ServiceName].start();
    return;
  }
  await stack.start(component as ServerName);
  if (component === 'sqs') {
    // As `make dev` does after the emulator restarts: its topics and queues declared again (idempotent; an emulator that persists kept them).
    const clients = createAwsMessagingClients({ region: stack.env.AWS_REGION!, endpoint: stack.env.AWS_ENDPOINT_URL });
    await applyTopology(clients, CHIRP_TOPOLOGY, platform.topologyPrefix);
    clients.sns.destroy();
    clients.sqs.destroy();
  }
}

/** What the platform shows, through the gateway: every page of every timeline, every count, and (byId) every acknowledged tweet by id. */
async function observe(api: Api, users: readonly ChaosUser[], posts: readonly Post[], options: { byId: boolean }): Promise<Observations> {
  const deadline = () => Date.now() + 60_000;
  const pages = async <T>(path: string, token?: string): Promise<T[]> => {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const answer = await persist(() => api.call('GET', `${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { ...(token ? { token } : {}), timeoutMs: 15_000 }), deadline());
      if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      items.push(...(answer.body.data as T[]));
      cursor = answer.body.nextCursor as string | null;
    } while (cursor);
    return items;
  };
  const userTimelines = new Map<string, TimelineEntry[]>();
  const homeTimelines = new Map<string, string[]>();
  const tweetCounts = new Map<string, number>();
  // Eight users at a time: one after another, a pass of 200-odd reads took tens of seconds on a
  // busy machine, and that, not the platform, was most of the measured time to converge.
  const observer = pool(OBSERVERS);
  await Promise.all(
    users.map((user) =>
      observer(async () => {
        userTimelines.set(user.id, (await pages<TimelineEntry>(`/v1/users/${user.handle}/tweets`)).map(({ id, text }) => ({ id, text })));
        homeTimelines.set(user.id, (await pages<{ id: string }>('/v1/timelines/home', user.token)).map(({ id }) => id));
        const profile = await persist(() => api.call('GET', `/v1/users/${user.handle}`), deadline());
        tweetCounts.set(user.id, profile.body.tweetCount as number);
      }),
    ),
  );
  const tweetsById = new Map<string, TimelineEntry | null>();
  if (options.byId) {
    const acked = posts.filter((post) => post.id !== undefined);
    await Promise.all(
      acked.map((post) =>
        observer(async () => {
          const answer = await persist(() => api.call('GET', `/v1/tweets/${post.id}`), deadline());
          tweetsById.set(post.id!, answer.status === 200 ? { id: answer.body.id as string, text: answer.body.text as string } : null);
        }),
      ),
    );
  } else {
    // While waiting to converge, the timelines stand for the lookups by id; the final check makes them all.
    for (const entries of userTimelines.values()) for (const entry of entries) tweetsById.set(entry.id, entry);
  }
  return { tweetsById, userTimelines, homeTimelines, tweetCounts };
}
