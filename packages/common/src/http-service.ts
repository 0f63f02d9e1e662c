import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { answerClientError, installProblemHandlers, problem, sendProblem, toProblem } from './problems.ts';
import { ID_FORMAT } from '@chirp/kernel/id-schema';
import { isValidId } from '@chirp/kernel/ids';
import type { DestinationStream } from 'pino';
import { loggerOptions, redactedUrl, REQUEST_ID_HEADER, requestIdFrom, stdoutLog } from './logging.ts';

/**
 * How often prom-client's event-loop monitor samples (its default, stated here because readers
 * depend on it): `nodejs_eventloop_lag_*` record the time between two samples, so an idle process
 * reads this much and only what exceeds it is delay (the benchmark's stalls, docs/observability.md).
 */
export const EVENT_LOOP_SAMPLING_MS = 10;

/** A named check of one dependency; it throws (or rejects) when the dependency cannot serve. */
export type ReadinessCheck = () => Promise<unknown>;

export interface HttpServiceOptions {
  service: string;
  logLevel: string;
  bodyLimitBytes: number;
  /** Where the log goes (stdout when absent); tests read it. */
  logStream?: DestinationStream;
  /** Readiness checks of this service's own dependencies, by name (`postgres`, `redis`, ...). */
  readiness?: Record<string, ReadinessCheck>;
  readinessTimeoutMs?: number;
  /** The registry /metrics serves; services add their own metrics to it. */
  metrics?: Registry;
  requestTimeoutMs?: number;
  /** Proxy hops in front of this service whose X-Forwarded-For is trusted (0: none), so `request.ip` is the client's. */
  trustProxyHops?: number;
  /**
   * Registers plugins that must see every route, the probes included (an OpenAPI generator);
   * it runs before any route is added.
   */
  registerFirst?: (app: FastifyInstance) => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
    /** Marks the instance as draining: /readyz answers 503 so load balancers stop sending. */
    startDraining(): void;
  }
}

const PROBE_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
/** For operators and orchestrators, not clients; documented so every route is. */
const PROBE_DOCS = { tags: ['operations'] };
const PROBE_OK = {
  description: 'OK',
  type: 'object',
  properties: { status: { type: 'string', const: 'ok' }, checks: { type: 'object', additionalProperties: { type: 'string' } } },
};

/**
 * A Fastify instance with what every Chirp service needs: problem+json errors,
 * request ids, liveness/readiness/metrics endpoints and body limits. It never listens;
 * `runHttpService` does that.
 */
export function createHttpService(options: HttpServiceOptions): FastifyInstance {
  const app = Fastify({
    logger: { ...loggerOptions(options.service, options.logLevel), stream: options.logStream ?? stdoutLog() },
    bodyLimit: options.bodyLimitBytes,
    genReqId: requestIdFrom,
    // One access line per request, written when it is answered (see onResponse), instead of
    // Fastify's two (incoming, completed) with their request and reply serialisers: at info, as
    // deployed, the log was a sizeable share of each service's CPU per request.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    // The client's address is the X-Forwarded-For entry this many hops back.
    trustProxy: (_address: string, hop: number) => hop < (options.trustProxyHops ?? 0),
    connectionTimeout: 60_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    // Errors Fastify raises before routing (a malformed URL) skip the error handler; answer them alike.
    frameworkErrors: (error, request, reply) => {
      void sendProblem(reply, { ...toProblem(error), instance: request.url.split('?')[0] });
    },
    // What the HTTP parser refuses (431 headers too large...) never reaches Fastify's handlers.
    clientErrorHandler: answerClientError,
  });
  installProblemHandlers(app);
  installValidators(app);
  options.registerFirst?.(app);
  // JSON only: any other body type is answered 415 rather than reaching a handler as a string.
  app.removeContentTypeParser('text/plain');

  const registry = options.metrics ?? new Registry();
  app.decorate('metrics', registry);
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLING_MS });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by route template, method and status code',
    labelNames: ['method', 'route', 'status_code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency from arrival to response sent, by route template',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  app.addHook('onRequest', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route template keeps label cardinality bounded; unmatched URLs share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    if (PROBE_ROUTES.has(route)) return;
    const labels = { method: request.method, route, status_code: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    request.log.info({ method: request.method, url: redactedUrl(request.url), statusCode: reply.statusCode, responseTimeMs: Math.round(reply.elapsedTime * 10) / 10 }, 'request completed');
  });

  let draining = false;
  app.decorate('startDraining', () => {
    draining = true;
  });
  app.addHook('preClose', async () => {
    draining = true;
  });
  // While draining, answers close their connection: a keep-alive socket that goes idle
  // after close() began would otherwise hold the shutdown until its keep-alive timeout.
  app.addHook('onSend', async (_request, reply) => {
    if (draining) void reply.header('connection', 'close');
  });

  const checks = Object.entries(options.readiness ?? {});
  const timeoutMs = options.readinessTimeoutMs ?? 2000;
  // In a plugin, so that plugins from `registerFirst` have loaded when these routes are added.
  void app.register(async (probes) => {
    probes.get('/healthz', { schema: { ...PROBE_DOCS, summary: 'Liveness: the process is serving', response: { 200: PROBE_OK } } }, async () => ({ status: 'ok' }));

    probes.get(
      '/readyz',
      { schema: { ...PROBE_DOCS, summary: "Readiness: this instance's own stores answer and it is not draining", response: { 200: PROBE_OK } } },
      async (request, reply) => {
        if (draining) return sendProblem(reply, problem(503, 'SHUTTING_DOWN', 'This instance is draining.'), 1);
        const results = await Promise.all(
          checks.map(async ([name, check]) => {
            try {
              await withTimeout(check(), timeoutMs, `${name} did not answer within ${timeoutMs} ms`);
              return [name, 'ok'] as const;
            } catch (error) {
              request.log.warn({ dependency: name, err: error }, 'readiness check failed');
              return [name, (error as Error).message] as const;
            }
          }),
        );
        const failed = results.filter(([, status]) => status !== 'ok');
        if (failed.length > 0) {
          const detail = failed.map(([name, message]) => `${name}: ${message}`).join('; ');
          return sendProblem(reply, problem(503, 'NOT_READY', detail), 5);
        }
        return { status: 'ok', checks: Object.fromEntries(results) };
      },
    );

    probes.get('/metrics', { schema: { ...PROBE_DOCS, summary: 'Prometheus metrics, in its text format' } }, async (_request, reply) => {
      void reply.type(registry.contentType);
      return registry.metrics();
    });
  });

  return app;
}

/**
 * Two validators: query strings, params and headers arrive as text and are coerced to
 * their schema types; JSON bodies are not, so `{"text": 123}` is a 400, not "123".
 * Unknown fields are never stripped silently: schemas say `additionalProperties: false`.
 */
function installValidators(app: FastifyInstance): void {
  const options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false } as const;
  const strict = addFormats.default(new Ajv({ ...options, coerceTypes: false }));
  const coercing = addFormats.default(new Ajv({ ...options, coerceTypes: 'array' }));
  for (const ajv of [strict, coercing]) ajv.addFormat(ID_FORMAT, { type: 'string', validate: isValidId });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Something the service runs beside its HTTP server, stopped on shutdown. */
export interface ShutdownResource {
  name: string;
  /** Called at start: its background errors go to the service log. */
  watch?(log: FastifyBaseLogger): void;
  close(): Promise<unknown>;
}

export interface RunOptions {
  host: string;
  port: number;
  /**
   * How long HTTP keeps answering, in-flight and new requests alike, after readiness went 503:
   * long enough for the load balancer (or the endpoints) to stop sending here. 0 closes at once.
   */
  drainDelayMs?: number;
  /** Upper bound on the rest of the shutdown after the drain delay; past it the process exits non-zero so the orchestrator notices. */
  shutdownTimeoutMs: number;
  /**
   * Stopped the moment the signal arrives (event consumers): a stopping replica takes no new
   * work from its queues while HTTP still drains. Their stops are awaited before `resources` close.
   */
  consumers?: readonly ShutdownResource[];
  /** Closed in order once the server has stopped answering (the outbox relay, then pools). */
  resources?: readonly ShutdownResource[];
  signals?: NodeJS.Signals[];
}

/** The `HttpServerConfig` variables as RunOptions. */
export const runOptionsOf = (config: { HOST: string; PORT: number; SHUTDOWN_TIMEOUT_MS: number; SHUTDOWN_DRAIN_SECONDS: number }) => ({
  host: config.HOST,
  port: config.PORT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  drainDelayMs: config.SHUTDOWN_DRAIN_SECONDS * 1000,
});

/**
 * Listens, and on SIGTERM/SIGINT shuts down in this order: readiness answers 503 and the
 * consumers stop at once; HTTP goes on answering through the drain delay (answers then say
 * `connection: close`, so keep-alive clients reconnect elsewhere); the server closes once its
 * in-flight requests finished; then, the consumers' last handlers done, resources close in order.
 */
export async function runHttpService(app: FastifyInstance, options: RunOptions): Promise<void> {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const drainDelayMs = options.drainDelayMs ?? 0;
  const consumers = options.consumers ?? [];
  const resources = options.resources ?? [];
  let stopping = false;
  const closeLogged = async (resource: ShutdownResource) => {
    await resource.close();
    app.log.info({ resource: resource.name }, 'closed');
  };
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.startDraining();
    app.log.info({ signal, drainDelayMs }, 'shutting down: readiness is 503, consumers stop, HTTP answers through the drain delay');
    const force = setTimeout(() => {
      app.log.error({ drainDelayMs, timeoutMs: options.shutdownTimeoutMs }, 'shutdown did not finish in time (drain delay + SHUTDOWN_TIMEOUT_MS); exiting');
      process.exit(1);
    }, drainDelayMs + options.shutdownTimeoutMs);
    force.unref();
    // Settled, not raced: a consumer failing to stop must not cut the HTTP drain short.
    const consumersStopped = Promise.allSettled(consumers.map(closeLogged));
    let exitCode = 0;
    try {
      await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
      app.log.info('drain delay over: closing the server once in-flight requests finish');
      await app.close();
      for (const [index, outcome] of (await consumersStopped).entries()) {
        if (outcome.status === 'fulfilled') continue;
        app.log.error({ err: outcome.reason, resource: consumers[index]?.name }, 'consumer did not stop cleanly; its unfinished messages return after their visibility timeout');
        exitCode = 1;
      }
      for (const resource of resources) await closeLogged(resource);
      app.log.info('shutdown complete');
    } catch (error) {
      app.log.error({ err: error }, 'error during shutdown');
      exitCode = 1;
    }
    // Everything this process runs has closed; a client's lingering socket or timer must not hold the exit.
    process.exit(exitCode);
  };
  for (const resource of [...consumers, ...resources]) resource.watch?.(app.log);
  for (const signal of signals) process.once(signal, (received) => void shutdown(received));
  await app.listen({ host: options.host, port: options.port });
}
