import { type Static, type TObject, Type } from '@sinclair/typebox';
import { MAX_WORKER_ID } from '@chirp/kernel/ids';
import { Value } from '@sinclair/typebox/value';

/** Thrown at start-up when the environment does not satisfy a service's schema. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * A rule between variables that each pass alone but cannot work together; it returns the
 * problems, each naming the variables and what to change, or nothing.
 */
export type ConfigRule<T> = (config: T) => readonly string[];

/**
 * Reads the variables a schema names from `env`, applies defaults, converts
 * numbers and booleans, and checks every rule. Every bad or missing variable
 * is listed by name in one ConfigError, so an operator fixes them in one go.
 * `rules` run once every variable is valid on its own.
 */
export function loadConfig<S extends TObject>(
  schema: S,
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
  rules: ReadonlyArray<ConfigRule<Static<S>>> = [],
): Static<S> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(schema, raw);
  const converted = Value.Convert(schema, withDefaults);
  if (Value.Check(schema, converted)) {
    const problems = rules.flatMap((rule) => rule(converted));
    if (problems.length > 0) throw new ConfigError(problems);
    return converted;
  }

  const problems = new Map<string, string>();
  for (const error of Value.Errors(schema, converted)) {
    const name = error.path.replace(/^\//, '') || missingProperty(schema, converted);
    if (problems.has(name)) continue;
    const got = raw[name];
    problems.set(name, got === undefined ? `${name} is required but not set` : `${name}=${JSON.stringify(got)} is invalid: ${error.message}`);
  }
  throw new ConfigError([...problems.values()]);
}

function missingProperty(schema: TObject, value: unknown): string {
  const present = typeof value === 'object' && value !== null ? Object.keys(value) : [];
  return (schema.required ?? []).find((key) => !present.includes(key)) ?? '(unknown)';
}

/** Schema fragments every HTTP service shares. */
export const HttpServerConfig = {
  HOST: Type.String({ default: '0.0.0.0' }),
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 16 * 1024 }),
  /**
   * Seconds HTTP keeps answering after a SIGTERM turned readiness 503, before the listener closes:
   * at least the time the load balancer in front takes to stop sending (its health-check interval
   * × threshold). 0 where something else waits first (Kubernetes' preStop sleep).
   */
  SHUTDOWN_DRAIN_SECONDS: Type.Number({ minimum: 0, maximum: 300, default: 0 }),
  /** After the drain delay: in-flight requests and handlers finish and pools close within this, or the process exits 1. */
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 25_000 }),
};

/**
 * A URL-shaped string; checked at start-up rather than at first use. With `schemes`, only
 * those (`REDIS_URL=http://...` cannot work, and would otherwise fail at the first call).
 */
export const UrlString = ({ schemes, ...options }: { default?: string; schemes?: readonly string[] } = {}) =>
  Type.String({ pattern: `^${schemes ? `(${schemes.join('|')})` : '[a-z][a-z0-9+.-]*'}://[^\\s]+$`, ...options });

/** A service that owns a Postgres database. */
export const PostgresConfig = {
  DATABASE_URL: UrlString(),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, default: 20 }),
  /** How long a request waits for a pooled connection before it answers 503. */
  DATABASE_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000 }),
  /** Statements running longer are cancelled (503), so a slow query cannot hold a connection for good. */
  DATABASE_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  /**
   * Statements with parameters run as named prepared statements, parsed and planned once per
   * connection (about half the server's CPU per statement). Set false behind a pooler in
   * transaction mode (PgBouncer), where the next statement may reach another server connection.
   */
  DATABASE_PREPARED_STATEMENTS: Type.Boolean({ default: true }),
  /** Applies pending migrations before listening (the `migrate` command does the same on its own). */
  RUN_MIGRATIONS: Type.Boolean({ default: true }),
};

/** A service that issues Snowflake ids. */
export const IdIssuerConfig = {
  /**
   * This replica's Snowflake worker, unique among the replicas issuing ids at one time. Leave it
   * unset to lease one from the service's Postgres (worker_id_leases), as Kubernetes replicas do.
   */
  WORKER_ID: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_WORKER_ID })),
};

/**
 * SQS_RECEIVE_GATHER_MS: after a receive that brought fewer messages than asked for, the
 * consumer waits this many ms before the next (0: at once), so that events arriving one by one
 * come several per receive and delete (sqs-consumer.ts, `receiveGatherMs`). Events arriving
 * meanwhile are handled up to this much later, so each service sets its default by how late its
 * events may be handled: `MessagingConfig` has 0, for the timeline's fan-out.
 */
export const receiveGatherSetting = (defaultMs: number) => Type.Integer({ minimum: 0, maximum: 5000, default: defaultMs });

/** A service that publishes events (through its outbox) and consumes its own SQS queue. */
export const MessagingConfig = {
  AWS_REGION: Type.String({ default: 'us-east-1' }),
  /** Set for the SNS/SQS emulator; unset in AWS. */
  AWS_ENDPOINT_URL: Type.Optional(UrlString()),
  /** The queue of events this service consumes, and its dead-letter queue. */
  EVENTS_QUEUE_URL: UrlString(),
  EVENTS_DLQ_URL: UrlString(),
  /** Handled messages are deleted in batches gathered over this many ms (0: one DeleteMessage per message). */
  SQS_DELETE_BATCH_MS: Type.Integer({ minimum: 0, maximum: 1000, default: 5 }),
  SQS_RECEIVE_GATHER_MS: receiveGatherSetting(0),
  /**
   * After publishing fewer events than a full batch, the outbox relay waits this many ms before
   * the next (0: at once), so events committed in quick succession share an SNS PublishBatch
   * call (outbox.ts, `gatherMs`); a lone event is published at once.
   */
  OUTBOX_GATHER_MS: Type.Integer({ minimum: 0, maximum: 1000, default: 20 }),
};
