// The whole platform for end-to-end tests: the four services as real processes, each on its
// own port, on the real stack, isolated from every other test by fresh databases, keyspace,
// topics and queues. A service can be stopped and started again to test outages.
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cassandraClient, createTestDatabase, createTestTopology, stackEnv, type TestDatabase, type TestTopology, uniqueName } from './stack.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const SERVICES = ['user', 'tweet', 'timeline', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface RunningService {
  url: string;
  /** SIGTERM, and wait for the process to exit (it drains first). */
  stop(): Promise<void>;
  /**
   * Starts it again on the same port with the same environment, and waits until it is ready.
   * `nodeArgs` go to node before the entry point (the benchmark's `--cpu-prof`).
   */
  start(options?: { nodeArgs?: string[] }): Promise<void>;
}

export interface Platform {
  gatewayUrl: string;
  /** The user service's signing key (PEM) and its kid, to forge tokens that are validly signed but otherwise wrong. */
  signingKey: { kid: string; pem: string };
  services: Record<ServiceName, RunningService>;
  /** With `splitTimeline`: the timeline's queue consumer, apart from `services.timeline` (the api role). */
  timelineConsumer?: RunningService;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** Extra environment per service (the gateway's rate limits and breaker, the user service's token lifetime...). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  logLevel?: string;
  /**
   * Runs the timeline as Kubernetes does: one process with TIMELINE_ROLE=api (services.timeline)
   * and one with TIMELINE_ROLE=consumer (timelineConsumer), instead of one `all` process.
   */
  splitTimeline?: boolean;
}

/** Starts user, tweet, timeline and gateway against fresh stores; stop() removes everything. */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const env = stackEnv();
  const dir = mkdtempSync(join(tmpdir(), 'chirp-platform-'));
  const keysDir = join(dir, 'jwt-keys');
  const signingKey = { kid: 'e2e-1', pem: writeKey(keysDir, 'e2e-1') };
  const [userDb, tweetDb, topology] = await Promise.all([createTestDatabase(), createTestDatabase(), createTestTopology()]);
  const keyspace = uniqueName('e2e_');
  const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (name) => [name, await freePort()] as const))) as Record<ServiceName, number>;
  const url = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;
  const queue = (name: string) => ({ EVENTS_QUEUE_URL: topology.queueUrls[name]!, EVENTS_DLQ_URL: topology.deadLetterQueueUrls[name]! });

  const serviceEnv: Record<ServiceName, Record<string, string>> = {
    user: {
      DATABASE_URL: userDb.url,
      JWT_KEYS_DIR: keysDir,
      JWT_ACTIVE_KID: 'e2e-1',
      USER_EVENTS_TOPIC_ARN: topology.topicArns['chirp-user-events']!,
      ...queue('chirp-user'),
    },
    tweet: {
      DATABASE_URL: tweetDb.url,
      REDIS_URL: env.REDIS_URL,
      TWEET_EVENTS_TOPIC_ARN: topology.topicArns['chirp-tweet-events']!,
      ...queue('chirp-tweet'),
    },
    timeline: {
      CASSANDRA_CONTACT_POINTS: env.CASSANDRA_CONTACT_POINTS,
      CASSANDRA_LOCAL_DC: env.CASSANDRA_LOCAL_DC,
      CASSANDRA_KEYSPACE: keyspace,
      REDIS_URL: env.REDIS_URL,
      TWEET_SERVICE_URL: url('tweet'),
      ...queue('chirp-timeline'),
    },
    gateway: {
      REDIS_URL: env.REDIS_URL,
      REDIS_KEY_PREFIX: `${uniqueName('e2e:')}:`,
      USER_SERVICE_URL: url('user'),
      TWEET_SERVICE_URL: url('tweet'),
      TIMELINE_SERVICE_URL: url('timeline'),
    },
  };

  const processEnv = (name: ServiceName, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    AWS_REGION: env.AWS_REGION,
    AWS_ENDPOINT_URL: env.AWS_ENDPOINT_URL,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: options.logLevel ?? 'info',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...serviceEnv[name],
    ...options.serviceEnv?.[name],
    ...extra,
  });
  const services = {} as Record<ServiceName, RunningService>;
  for (const name of SERVICES) {
    const role: Record<string, string> = name === 'timeline' && options.splitTimeline ? { TIMELINE_ROLE: 'api' } : {};
    services[name] = managedProcess(name, url(name), join(dir, `${name}.log`), processEnv(name, ports[name], role));
  }
  const consumerPort = options.splitTimeline ? await freePort() : 0;
  // The api process creates the keyspace; the consumer starts after it, on the tables it made.
  const timelineConsumer = options.splitTimeline
    ? managedProcess('timeline', `http://127.0.0.1:${consumerPort}`, join(dir, 'timeline-consumer.log'), processEnv('timeline', consumerPort, { TIMELINE_ROLE: 'consumer', RUN_MIGRATIONS: 'false' }))
    : undefined;
  const everything = { ...services, ...(timelineConsumer ? { timelineConsumer } : {}) };
  try {
    // None needs another to become ready (calls between them happen per request), so all start at once.
    await Promise.all(SERVICES.map((name) => services[name].start()));
    await timelineConsumer?.start();
  } catch (error) {
    await stopAll(everything, [userDb, tweetDb], topology, keyspace);
    throw error;
  }

  return {
    gatewayUrl: url('gateway'),
    signingKey,
    services,
    ...(timelineConsumer ? { timelineConsumer } : {}),
    stop: () => stopAll(everything, [userDb, tweetDb], topology, keyspace),
  };
}

async function stopAll(
  services: Partial<Record<ServiceName, RunningService>> & { timelineConsumer?: RunningService },
  databases: TestDatabase[],
  topology: TestTopology,
  keyspace: string,
): Promise<void> {
  await services.timelineConsumer?.stop();
  for (const name of [...SERVICES].reverse()) await services[name]?.stop();
  await Promise.all(databases.map((db) => db.drop()));
  await topology.destroy();
  const cassandra = cassandraClient();
  await cassandra.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  await cassandra.shutdown();
}

function managedProcess(name: ServiceName, url: string, logFile: string, env: NodeJS.ProcessEnv): RunningService {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const log = createWriteStream(logFile, { flags: 'a' });
  return {
    url,
    async start(options = {}) {
      if (child) throw new Error(`${name} is already running`);
      const started = spawn(process.execPath, [...(options.nodeArgs ?? []), join(root, 'services', name, 'src', 'main.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      started.stdout.pipe(log, { end: false });
      started.stderr.pipe(log, { end: false });
      exited = new Promise((resolve) =>
        started.once('exit', () => {
          if (child === started) child = undefined;
          resolve();
        }),
      );
      await waitUntilReady(name, url, () => child === started, logFile);
    },
    async stop() {
      const running = child;
      if (!running) return;
      running.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitUntilReady(name: string, url: string, alive: () => boolean, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!alive()) throw new Error(`${name} exited while starting; its log (${logFile}):\n${tail(logFile)}`);
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${name} was not ready at ${url}/readyz within 60 s; its log (${logFile}):\n${tail(logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const tail = (file: string): string => readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');

function writeKey(dir: string, kid: string): string {
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${kid}.pem`), pem, { mode: 0o600 });
  return pem;
}

/** A port nothing listens on now (the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
