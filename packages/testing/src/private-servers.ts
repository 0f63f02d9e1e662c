// Private instances of the real servers, for tests that stop and start a server. The shared
// stack is never touched: each instance has its own port (chosen by the test) and its own
// folder, and is stopped when the test is done.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface PrivateServer {
  /** How clients reach it (a URL, or `host:port` for Cassandra). */
  readonly url: string;
  readonly port: number;
  /** Starts it (again) and resolves once it answers. */
  start(): Promise<void>;
  /** Stops it: `kill` is SIGKILL (a crash), otherwise the server's own clean shutdown. */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function waitForExit(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once('exit', resolve));
}

function privateFolder(name: string): string {
  const folder = mkdtempSync(join(tmpdir(), `chirp-${name}-`));
  // Postgres runs as the postgres user when the tests run as root: it must reach the folder.
  chmodSync(folder, 0o755);
  return folder;
}

/** A server the test runs as a child process (Redis, the SNS/SQS emulator). */
function childServer(name: string, port: number, url: string, command: () => [string, string[], NodeJS.ProcessEnv?]): PrivateServer {
  let child: ChildProcess | undefined;
  const server: PrivateServer = {
    url,
    port,
    async start() {
      if (await portAnswers(port)) throw new Error(`port ${port} for the private ${name} is taken; pick another in this test's range`);
      const [file, args, env] = command();
      child = spawn(file, args, { stdio: 'ignore', env: { ...process.env, ...env } });
      await waitFor(`private ${name} on ${port}`, () => portAnswers(port), 30_000);
    },
    async stop(options = {}) {
      const running = child;
      child = undefined;
      running?.kill(options.kill ? 'SIGKILL' : 'SIGTERM');
      await waitForExit(running);
    },
    async destroy() {
      await server.stop({ kill: true });
    },
  };
  return server;
}

/** A private redis-server, no persistence. */
export async function startPrivateRedis(port: number): Promise<PrivateServer> {
  const server = childServer('redis', port, `redis://127.0.0.1:${port}`, () => [
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  ]);
  await server.start();
  return server;
}

/**
 * A private SNS/SQS emulator started the way `scripts/stack.sh` starts the shared one
 * (`scripts/fauxqs.ts`: Chirp's topology applied before it listens), persisting to its own
 * folder unless `persistent` is false.
 */
export async function startPrivateEmulator(port: number, options: { persistent?: boolean } = {}): Promise<PrivateServer> {
  const folder = privateFolder('fauxqs');
  const server = childServer('SNS/SQS emulator', port, `http://127.0.0.1:${port}`, () => [
    process.execPath,
    [join(ROOT, 'scripts/fauxqs.ts')],
    { FAUXQS_PORT: String(port), FAUXQS_HOST: 'localhost', ...(options.persistent === false ? {} : { FAUXQS_DATA_DIR: folder }) },
  ]);
  await server.start();
  return {
    ...server,
    async destroy() {
      await server.stop({ kill: true });
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

const stackScript = (folder: string, port: number, ...args: string[]) =>
  execFileSync(join(ROOT, 'scripts/stack.sh'), args, {
    env: { ...process.env, CHIRP_STACK_DIR: folder, CHIRP_PG_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });

/** A private PostgreSQL (the system binaries, through `scripts/stack.sh`), with the `chirp` role and databases. */
export async function startPrivatePostgres(port: number): Promise<PrivateServer> {
  const folder = privateFolder('postgres');
  const server: PrivateServer = {
    url: `postgres://chirp:chirp@127.0.0.1:${port}/chirp`,
    port,
    async start() {
      stackScript(folder, port, 'up', 'postgres');
    },
    async stop(options = {}) {
      if (options.kill) {
        const pidFile = join(folder, 'postgres/data/postmaster.pid');
        if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGKILL');
        await waitFor('private postgres to exit', async () => !(await portAnswers(port)), 30_000);
        rmSync(pidFile, { force: true });
        return;
      }
      stackScript(folder, port, 'down', 'postgres');
    },
    async destroy() {
      await server.stop().catch(() => server.stop({ kill: true }));
      rmSync(folder, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/**
 * A private single-node Cassandra (`stack/cassandra/start.sh`), storage port `port + 1`, no JMX.
 * Its jars are copied from the shared stack's folder when there is one (else fetched once, ~30 s).
 * Starting takes a minute on a busy two-core machine.
 */
export async function startPrivateCassandra(port: number): Promise<PrivateServer> {
  const folder = join(ROOT, '.stack', `private-cassandra-${port}`);
  rmSync(join(folder, 'cassandra/storage'), { recursive: true, force: true });
  const lib = join(folder, 'cassandra/lib');
  const shared = [join(ROOT, '.stack/cassandra/lib'), process.env.CHIRP_CASSANDRA_LIB].find((dir) => dir && existsSync(dir));
  if (!existsSync(lib) && shared) {
    mkdirSync(dirname(lib), { recursive: true });
    cpSync(shared, lib, { recursive: true });
  }
  const pidFile = join(folder, 'cassandra/cassandra.pid');
  const script = (name: string, ...args: string[]) =>
    execFileSync(join(ROOT, 'stack/cassandra', name), [folder, ...args], {
      env: { ...process.env, CASSANDRA_STORAGE_PORT: String(port + 1), CASSANDRA_JMX_PORT: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 300_000,
    });
  const server: PrivateServer = {
    url: `127.0.0.1:${port}`,
    port,
    async start() {
      script('start.sh', String(port));
    },
    async stop(options = {}) {
      if (options.kill && existsSync(pidFile)) {
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
        await waitFor('private cassandra to exit', async () => !(await portAnswers(port)), 30_000);
        return;
      }
      script('stop.sh');
    },
    async destroy() {
      await server.stop({ kill: true }).catch(() => undefined);
      rmSync(join(folder, 'cassandra/storage'), { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
