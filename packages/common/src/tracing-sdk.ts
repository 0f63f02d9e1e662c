// The OpenTelemetry SDK as `@chirp/common/tracing` starts it when an OTLP endpoint is set.
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CassandraDriverInstrumentation } from '@opentelemetry/instrumentation-cassandra-driver';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';

// The instrumentation's own list (signed URLs' signatures and credentials), and the stream's
// access token (browsers' EventSource sends it in the query): never in a span's url.query.
const REDACTED_QUERY_PARAMS = ['sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token', 'access_token'];

// Probes and scrapes are not requests anyone follows.
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** The service's folder name (services/<name>/src/main.ts), when OTEL_SERVICE_NAME does not say. */
const serviceName = () => process.env.OTEL_SERVICE_NAME ?? /services\/([^/]+)\/src\//.exec(process.argv[1] ?? '')?.[1] ?? 'chirp';

export function startTracing(): void {
  // Traces only: metrics are Prometheus's, and logs stay on stdout (with trace_id on each line).
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const sdk = new NodeSDK({
    serviceName: serviceName(),
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
        redactedQueryParamsServer: REDACTED_QUERY_PARAMS,
        // SQS long polls and SNS publishes from background loops would each be a trace of their own.
        requireParentforOutgoingSpans: true,
      }),
      new FastifyOtelInstrumentation({ registerOnInitialization: true, ignorePaths: (options) => UNTRACED_PATHS.has(options.url) }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      // The statement text (prepared, with `?` for every value) says which table a span wrote.
      new CassandraDriverInstrumentation({ enhancedDatabaseReporting: true }),
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  sdk.start();
  // Spans still in the batch go out before the process exits (the services exit after draining).
  process.once('beforeExit', () => void sdk.shutdown());
}
