// The servers the chaos run may kill, run by `scripts/stack.sh` in a folder and on ports of
// their own, so the shared servers are never touched. Servers not named run elsewhere (the
// environment names them), and are never killed.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SERVERS = ['postgres', 'redis', 'sqs', 'cassandra'] as const;
export type ServerName = (typeof SERVERS)[number];

export interface PrivateStackOptions {
  root: string;
  /** Where stack.sh keeps data, logs and pids. */
  dir: string;
  servers: readonly ServerName[];
  ports: { postgres: number; redis: number; sqs: number; cassandra: number; cassandraStorage: number };
}

export interface PrivateStack {
  /** The connection variables: the private servers', the environment's for the others. */
  env: Record<string, string>;
  /** SIGKILL: no shutdown of its own. */
  kill(server: ServerName): Promise<void>;
  /** Starts it again and waits until it answers (stack.sh up). */
  start(server: ServerName): Promise<void>;
  /** Stops every private server (stack.sh down). */
  stop(): Promise<void>;
}

export async function startPrivateStack(options: PrivateStackOptions): Promise<PrivateStack> {
  const { root, dir, ports } = options;
  const env = {
    ...process.env,
    CHIRP_STACK_DIR: dir,
    CHIRP_PG_PORT: String(ports.postgres),
    CHIRP_REDIS_PORT: String(ports.redis),
    CHIRP_SQS_PORT: String(ports.sqs),
    CHIRP_CASSANDRA_PORT: String(ports.cassandra),
    CASSANDRA_STORAGE_PORT: String(ports.cassandraStorage),
    CASSANDRA_JMX_PORT: '',
  };
  const stackSh = async (...args: string[]) => {
    try {
      return (await run(join(root, 'scripts/stack.sh'), args, { env, timeout: 600_000 })).stdout;
    } catch (error) {
      const failed = error as Error & { stderr?: string };
      throw new Error(`scripts/stack.sh ${args.join(' ')} failed: ${failed.stderr ?? failed.message}`, { cause: error });
    }
  };
  mkdirSync(dir, { recursive: true });
  // Cassandra's jars: copied from the shared stack when it has them (else start.sh fetches them, ~30 s).
  const sharedLib = join(root, '.stack/cassandra/lib');
  const lib = join(dir, 'cassandra/lib');
  if (options.servers.includes('cassandra') && !existsSync(lib) && existsSync(sharedLib)) cpSync(sharedLib, lib, { recursive: true });
  if (options.servers.length > 0) await stackSh('up', ...options.servers);

  const variables = Object.fromEntries(
    (await stackSh('env'))
      .split('\n')
      .map((line) => /^export ([A-Z0-9_]+)=(.*)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1]!, match[2]!]),
  );
  const own: Record<ServerName, string[]> = {
    postgres: ['DATABASE_URL'],
    redis: ['REDIS_URL'],
    sqs: ['AWS_ENDPOINT_URL'],
    cassandra: ['CASSANDRA_CONTACT_POINTS'],
  };
  const stackEnv: Record<string, string> = {
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
    CASSANDRA_LOCAL_DC: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
  };
  for (const server of SERVERS) {
    for (const name of own[server]) {
      const value = options.servers.includes(server) ? variables[name] : process.env[name];
      if (!value) throw new Error(`${name} is not set: run the shared stack, or let the chaos run start a private ${server}`);
      stackEnv[name] = value;
    }
  }

  const pidOf = (server: ServerName): number => {
    const file = {
      postgres: join(dir, 'postgres/data/postmaster.pid'),
      redis: join(dir, 'redis/redis.pid'),
      sqs: join(dir, 'fauxqs/fauxqs.pid'),
      cassandra: join(dir, 'cassandra/cassandra.pid'),
    }[server];
    return Number(readFileSync(file, 'utf8').split('\n')[0]!.trim());
  };
  const gone = async (pid: number) => {
    for (let waited = 0; waited < 30_000; waited += 100) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`process ${pid} still runs 30 s after SIGKILL`);
  };

  return {
    env: stackEnv,
    async kill(server) {
      if (!options.servers.includes(server)) throw new Error(`${server} is not private to this run; it is never killed`);
      const pid = pidOf(server);
      process.kill(pid, 'SIGKILL');
      await gone(pid);
    },
    async start(server) {
      // Postgres refuses to start while backends of the killed server still hold its shared memory: they exit within seconds.
      for (let attempt = 1; ; attempt++) {
        try {
          await stackSh('up', server);
          return;
        } catch (error) {
          if (attempt >= 10) throw error;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    },
    async stop() {
      if (options.servers.length > 0) await stackSh('down', ...options.servers);
    },
  };
}
