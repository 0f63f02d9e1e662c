// The whole platform for end-to-end tests: the five services as real processes, each on its
// own port, on the real stack, isolated from every other test by fresh databases, keyspace,
// topics, queues and media bucket. A service can be stopped and started again to test outages, or run as
// several replicas behind a round-robin balancer to test rolling restarts.
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RoundRobin, startRoundRobin } from './round-robin.ts';
import {
  cassandraClient,
  createTestBucket,
  createTestDatabase,
  createTestTopology,
  stackEnv,
  type TestBucket,
  type TestDatabase,
  type TestTopology,
  uniqueName,
} from './stack.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const SERVICES = ['user', 'tweet', 'timeline', 'notification', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface RunningService {
  url: string;
  /** SIGTERM, and wait for the process to exit (it drains first). */
  stop(): Promise<void>;
  /** SIGKILL (no drain), and wait for the process to be gone. */
  kill(): Promise<void>;
  /**
   * Starts it again on the same port with the same environment, and waits until it is ready.
   * `nodeArgs` go to node before the entry point (the benchmark's `--cpu-prof`); `env` is laid
   * over its environment for this start only (the benchmark's variants of a setting).
   */
  start(options?: { nodeArgs?: string[]; env?: Record<string, string> }): Promise<void>;
}

export interface Platform {
  gatewayUrl: string;
  /** The user service's signing key (PEM) and its kid, to forge tokens that are validly signed but otherwise wrong. */
  signingKey: { kid: string; pem: string };
  /** Each service as a whole: its URL (the balancer's, with replicas), and stop/start of every replica. */
  services: Record<ServiceName, RunningService>;
  /** Each replica on its own. */
  replicas: Record<ServiceName, RunningService[]>;
  /** With `splitTimeline`: the timeline's queue consumer, apart from `services.timeline` (the api role). */
  timelineConsumer?: RunningService;
  /** The name prefix of the platform's topics and queues (to provision them again on an emulator that lost them). */
  topologyPrefix: string;
  /** The prefix of this platform's stream channels in Redis (a second gateway started by a test needs it). */
  streamChannelPrefix: string;
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
  /**
   * Processes per service (1). With more, each service's URL is a round-robin balancer that
   * sends requests only to replicas whose /readyz answers 200, checked every 100 ms
   * (`@chirp/testing/round-robin`).
   */
  replicas?: number;
  /** SHUTDOWN_DRAIN_SECONDS of every service: 0 with one replica, 2 with more (a replica leaves the rotation after 3 failed checks). */
  drainSeconds?: number;
  /** Starts only these services (all by default): a contract suite that needs one real service does not pay for five. */
  only?: readonly ServiceName[];
}

/**
 * The gateway's rate limits as high as its settings allow, for `serviceEnv.gateway`: for a driver
 * that is thousands of users from one address (the benchmark, the API fuzzer), not for tests of the limits.
 */
export const RATE_LIMITS_RAISED: Record<string, string> = {
  RATE_LIMIT_SIGN_IN: '1000000',
  RATE_LIMIT_SESSION: '1000000',
  RATE_LIMIT_POST: '1000000',
  RATE_LIMIT_AUTHENTICATED: '1000000',
  RATE_LIMIT_ANONYMOUS: '1000000',
};

/** Starts user, tweet, timeline, notification and gateway (or `only` some) against fresh stores; stop() removes everything. */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const env = stackEnv();
  const dir = mkdtempSync(join(tmpdir(), 'chirp-platform-'));
  const keysDir = join(dir, 'jwt-keys');
  const signingKey = { kid: 'e2e-1', pem: writeKey(keysDir, 'e2e-1') };
  const [userDb, tweetDb, notificationDb, topology, mediaBucket] = await Promise.all([
    createTestDatabase(),
    createTestDatabase(),
    createTestDatabase(),
    createTestTopology(),
    createTestBucket(),
  ]);
  // Stream channels of this platform only: runs sharing the Redis never hear each other.
  const streamChannelPrefix = `${uniqueName('e2e-stream:')}:`;
  const keyspace = uniqueName('e2e_');
  const replicaCount = options.replicas ?? 1;
  // A service's URL: its one process's, or its balancer's in front of the replicas.
  const ports = {} as Record<ServiceName, number>;
  const replicaPorts = {} as Record<ServiceName, number[]>;
  for (const name of SERVICES) {
    ports[name] = await freePort();
    replicaPorts[name] = replicaCount === 1 ? [ports[name]] : await Promise.all(Array.from({ length: replicaCount }, () => freePort()));
  }
  const url = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;
  const queue = (name: string) => ({ EVENTS_QUEUE_URL: topology.queueUrls[name]!, EVENTS_DLQ_URL: topology.deadLetterQueueUrls[name]! });
  // The user service pushes revoked sessions to the gateways through this set and channel.
  const sessionRevocationPrefix = `${uniqueName('e2e:')}:sessions:`;

  const serviceEnv: Record<ServiceName, Record<string, string>> = {
    user: {
      DATABASE_URL: userDb.url,
      JWT_KEYS_DIR: keysDir,
      JWT_ACTIVE_KID: 'e2e-1',
      USER_EVENTS_TOPIC_ARN: topology.topicArns['chirp-user-events']!,
      REDIS_URL: env.REDIS_URL,
      SESSION_REVOCATION_PREFIX: sessionRevocationPrefix,
      ...queue('chirp-user'),
    },
    tweet: {
      DATABASE_URL: tweetDb.url,
      REDIS_URL: env.REDIS_URL,
      TWEET_EVENTS_TOPIC_ARN: topology.topicArns['chirp-tweet-events']!,
      MEDIA_BUCKET: mediaBucket.name,
      ...queue('chirp-tweet'),
    },
    timeline: {
      CASSANDRA_CONTACT_POINTS: env.CASSANDRA_CONTACT_POINTS,
      CASSANDRA_LOCAL_DC: env.CASSANDRA_LOCAL_DC,
      CASSANDRA_KEYSPACE: keyspace,
      REDIS_URL: env.REDIS_URL,
      TWEET_SERVICE_URL: url('tweet'),
      STREAM_CHANNEL_PREFIX: streamChannelPrefix,
      ...queue('chirp-timeline'),
    },
    notification: {
      DATABASE_URL: notificationDb.url,
      REDIS_URL: env.REDIS_URL,
      STREAM_CHANNEL_PREFIX: streamChannelPrefix,
      TWEET_SERVICE_URL: url('tweet'),
      USER_SERVICE_URL: url('user'),
      ...queue('chirp-notification'),
    },
    gateway: {
      REDIS_URL: env.REDIS_URL,
      REDIS_KEY_PREFIX: `${uniqueName('e2e:')}:`,
      SESSION_REVOCATION_PREFIX: sessionRevocationPrefix,
      USER_SERVICE_URL: url('user'),
      TWEET_SERVICE_URL: url('tweet'),
      TIMELINE_SERVICE_URL: url('timeline'),
      NOTIFICATION_SERVICE_URL: url('notification'),
      STREAM_CHANNEL_PREFIX: streamChannelPrefix,
    },
  };

  const drainSeconds = options.drainSeconds ?? (replicaCount === 1 ? 0 : 2);
  const processEnv = (name: ServiceName, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    AWS_REGION: env.AWS_REGION,
    AWS_ENDPOINT_URL: env.AWS_ENDPOINT_URL,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: options.logLevel ?? 'info',
    SHUTDOWN_DRAIN_SECONDS: String(drainSeconds),
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...serviceEnv[name],
    ...options.serviceEnv?.[name],
    ...extra,
  });
  const replicas = {} as Record<ServiceName, RunningService[]>;
  const services = {} as Record<ServiceName, RunningService>;
  for (const name of SERVICES) {
    const role: Record<string, string> = name === 'timeline' && options.splitTimeline ? { TIMELINE_ROLE: 'api' } : {};
    replicas[name] = replicaPorts[name].map((port, index) => {
      const label = replicaCount === 1 ? name : `${name}-${index + 1}`;
      return managedProcess(name, label, `http://127.0.0.1:${port}`, join(dir, `${label}.log`), processEnv(name, port, role));
    });
    services[name] = replicaCount === 1 ? replicas[name][0]! : allOf(url(name), replicas[name]);
  }
  const consumerPort = options.splitTimeline ? await freePort() : 0;
  // The api process creates the keyspace; the consumer starts after it, on the tables it made.
  const timelineConsumer = options.splitTimeline
    ? managedProcess('timeline', 'timeline-consumer', `http://127.0.0.1:${consumerPort}`, join(dir, 'timeline-consumer.log'), processEnv('timeline', consumerPort, { TIMELINE_ROLE: 'consumer', RUN_MIGRATIONS: 'false' }))
    : undefined;
  const everything = { ...services, ...(timelineConsumer ? { timelineConsumer } : {}) };
  const balancers: RoundRobin[] = [];
  const stopEverything = async () => {
    await Promise.all(balancers.map((balancer) => balancer.close()));
    await stopAll(everything, [userDb, tweetDb, notificationDb], topology, keyspace, mediaBucket);
  };
  try {
    if (replicaCount > 1) {
      for (const name of SERVICES) {
        const balancer = await startRoundRobin({ port: ports[name], backends: replicas[name].map((replica) => replica.url), readinessIntervalMs: 100 });
        balancers.push(balancer);
        // In place: the service's allOf holds this array.
        replicas[name].forEach((replica, index) => {
          replicas[name][index] = inRotationWhenStarted(replica, balancer);
        });
      }
    }
    // None needs another to become ready (calls between them happen per request), so the services
    // start at once; their replicas one after another, so a busy machine is not asked for all at once.
    const started = options.only ?? SERVICES;
    for (let index = 0; index < replicaCount; index++) await Promise.all(started.map((name) => replicas[name][index]!.start()));
    await timelineConsumer?.start();
  } catch (error) {
    await stopEverything();
    throw error;
  }

  return {
    gatewayUrl: url('gateway'),
    signingKey,
    services,
    replicas,
    ...(timelineConsumer ? { timelineConsumer } : {}),
    topologyPrefix: topology.prefix,
    streamChannelPrefix,
    stop: stopEverything,
  };
}

/**
 * A replica whose start resolves once its balancer has it in rotation again, as a rolling update
 * waits for a new pod to be Ready before it stops the next one. A fixed pause after the start was
 * outrun by the readiness checks on a loaded machine, and both replicas were out at once.
 */
function inRotationWhenStarted(replica: RunningService, balancer: RoundRobin): RunningService {
  return {
    ...replica,
    start: async (options) => {
      await replica.start(options);
      const deadline = Date.now() + 30_000;
      while (!balancer.ready().includes(replica.url)) {
        if (Date.now() > deadline) throw new Error(`${replica.url} answers ready, but its balancer has not put it back in rotation after 30 s: see its /readyz times`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** Every replica of a service as one: started and stopped together. */
function allOf(url: string, replicas: readonly RunningService[]): RunningService {
  return {
    url,
    stop: async () => {
      await Promise.all(replicas.map((replica) => replica.stop()));
    },
    kill: async () => {
      await Promise.all(replicas.map((replica) => replica.kill()));
    },
    start: async (options) => {
      await Promise.all(replicas.map((replica) => replica.start(options)));
    },
  };
}

async function stopAll(
  services: Partial<Record<ServiceName, RunningService>> & { timelineConsumer?: RunningService },
  databases: TestDatabase[],
  topology: TestTopology,
  keyspace: string,
  bucket: TestBucket,
): Promise<void> {
  await services.timelineConsumer?.stop();
  for (const name of [...SERVICES].reverse()) await services[name]?.stop();
  await Promise.all(databases.map((db) => db.drop()));
  await bucket.destroy();
  await topology.destroy();
  const cassandra = cassandraClient();
  await cassandra.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  await cassandra.shutdown();
}

/** One process of service `name`, called `label` in errors (`tweet-2`). */
function managedProcess(name: ServiceName, label: string, url: string, logFile: string, env: NodeJS.ProcessEnv): RunningService {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  return {
    url,
    async start(options = {}) {
      if (child) throw new Error(`${label} is already running`);
      // The service writes its log straight to the file: no pipe through this process, whose
      // CPU (the benchmark's load generator) must not carry the services' logging.
      const log = openSync(logFile, 'a');
      const started = spawn(process.execPath, [...(options.nodeArgs ?? []), join(root, 'services', name, 'src', 'main.ts')], { env: { ...env, ...options.env }, stdio: ['ignore', log, log] });
      closeSync(log);
      child = started;
      exited = new Promise((resolve) =>
        started.once('exit', () => {
          if (child === started) child = undefined;
          resolve();
        }),
      );
      await waitUntilReady(label, url, () => child === started, logFile);
    },
    async stop() {
      const running = child;
      if (!running) return;
      running.kill('SIGTERM');
      await exited;
    },
    async kill() {
      const running = child;
      if (!running) return;
      running.kill('SIGKILL');
      await exited;
    },
  };
}

async function waitUntilReady(name: string, url: string, alive: () => boolean, logFile: string): Promise<void> {
  // Generous: on a busy shared machine a Node process can take most of a minute to load.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (!alive()) throw new Error(`${name} exited while starting; its log (${logFile}):\n${tail(logFile)}`);
    try {
      // As a readiness probe under load: a busy service answers it slowly, not never.
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${name} was not ready at ${url}/readyz within 180 s; its log (${logFile}):\n${tail(logFile)}`);
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

/** Ports one after another from `base`, skipping any in use; or, without a base, `freePort`'s. */
async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// Ports below the kernel's ephemeral range (32768-60999 on Linux). A port the kernel picks in
// that range is free when picked, but any outbound connection may take it before the service
// binds it: CI saw EADDRINUSE that way. Each vitest worker (VITEST_POOL_ID) has a block of its
// own, so files running side by side never pick the same port; in a block, ports go in turn.
const PORT_FLOOR = 30_000;
const PORT_BLOCK = 250;
let nextInBlock = 0;

/** A free port for a test's process to listen on (below the ephemeral range; the kernel's pick when the block is full). */
export async function freePort(): Promise<number> {
  const block = PORT_FLOOR + (Number(process.env.VITEST_POOL_ID ?? 0) % 10) * PORT_BLOCK;
  for (let tries = 0; tries < PORT_BLOCK; tries++) {
    const port = block + (nextInBlock++ % PORT_BLOCK);
    if (await isFree(port)) return port;
  }
  return kernelPort();
}

/** A port nothing listens on now (the kernel picks it). */
async function kernelPort(): Promise<number> {
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
