// OpenTelemetry tracing for a Chirp service, loaded before it: `node --import @chirp/common/tracing
// src/main.ts` (or NODE_OPTIONS="--import @chirp/common/tracing"). With no OTLP endpoint
// (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT) it does nothing at all: no
// module hook, no SDK, and the API calls in the code stay no-ops. With one, it registers the
// import hook the instrumentations need for ES modules, then starts the SDK with:
// - W3C trace context in and out of HTTP (the gateway's server, fastify's routes, undici calls);
// - pg, ioredis and cassandra-driver spans (only under a traced operation: polls start no trace);
// - `trace_id`/`span_id` on every pino log line inside a span;
// - sampling from the standard OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default:
//   parentbased_always_on; for example parentbased_traceidratio with 0.1);
// - OTLP over HTTP/protobuf, batched. The service name is OTEL_SERVICE_NAME, else its folder.
import { register } from 'node:module';

const INSTRUMENTED_IMPORTS = ['pg', 'ioredis', 'cassandra-driver', 'pino', 'fastify', 'undici'];
const endpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

if (endpoint && process.env.OTEL_SDK_DISABLED !== 'true') {
  // Only the instrumented packages our ES modules import go through the hook: wrapping every
  // module made start-up several times slower. What they require() is patched without it.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: INSTRUMENTED_IMPORTS } });
  const { startTracing } = await import('./tracing-sdk.ts');
  startTracing();
}
