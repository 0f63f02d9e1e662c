import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { installProblemHandlers, problem, sendProblem, toProblem } from './errors.ts';
import { ID_FORMAT } from './id-schema.ts';
import { isValidId } from './ids.ts';
import { loggerOptions, REQUEST_ID_HEADER, requestIdFrom } from './logging.ts';

/** A named check of one dependency; it throws (or rejects) when the dependency cannot serve. */
export type ReadinessCheck = () => Promise<unknown>;

export interface HttpServiceOptions {
  service: string;
  logLevel: string;
  bodyLimitBytes: number;
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
    logger: loggerOptions(options.service, options.logLevel),
    bodyLimit: options.bodyLimitBytes,
    genReqId: requestIdFrom,
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: (request) => PROBE_ROUTES.has(request.url),
    }),
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
  });
  installProblemHandlers(app);
  installValidators(app);
  options.registerFirst?.(app);
  // JSON only: any other body type is answered 415 rather than reaching a handler as a string.
  app.removeContentTypeParser('text/plain');

  const registry = options.metrics ?? new Registry();
  app.decorate('metrics', registry);
  collectDefaultMetrics({ register: registry });
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

export interface RunOptions {
  host: string;
  port: number;
  /** Upper bound on the drain; past it the process exits non-zero so the orchestrator notices. */
  shutdownTimeoutMs: number;
  /**
   * Watched from start (their background errors go to the log) and closed after the
   * server stopped taking requests, in order (consumers first, then pools).
   */
  resources?: ReadonlyArray<{ name: string; watch?(log: FastifyBaseLogger): void; close(): Promise<unknown> }>;
  signals?: NodeJS.Signals[];
}

/**
 * Listens, and on SIGTERM/SIGINT drains: readiness goes 503, the server stops
 * accepting and finishes in-flight requests, then resources close in order.
 */
export async function runHttpService(app: FastifyInstance, options: RunOptions): Promise<void> {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      app.log.error({ timeoutMs: options.shutdownTimeoutMs }, 'drain did not finish in time; exiting');
      process.exit(1);
    }, options.shutdownTimeoutMs);
    force.unref();
    app.startDraining();
    try {
      await app.close();
      for (const resource of options.resources ?? []) {
        await resource.close();
        app.log.info({ resource: resource.name }, 'closed');
      }
      app.log.info('shutdown complete');
      process.exitCode = 0;
    } catch (error) {
      app.log.error({ err: error }, 'error during shutdown');
      process.exitCode = 1;
    } finally {
      clearTimeout(force);
    }
  };
  for (const resource of options.resources ?? []) resource.watch?.(app.log);
  for (const signal of signals) process.once(signal, (received) => void shutdown(received));
  await app.listen({ host: options.host, port: options.port });
}
