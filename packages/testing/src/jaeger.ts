// A real Jaeger (v1.76.0's all-in-one binary, built by scripts/jaeger.sh) for tests and the
// benchmark: OTLP over HTTP in, the query API out, traces in memory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './platform.ts';
import { startServerProcess } from './server-process.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  processID: string;
  references: Array<{ refType: string; traceID: string; spanID: string }>;
  tags: Array<{ key: string; value: unknown }>;
}
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

export interface RunningJaeger {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (OTLP over HTTP). */
  otlpEndpoint: string;
  queryUrl: string;
  /** One trace by id through the query API; undefined until Jaeger has it. */
  trace(traceId: string): Promise<JaegerTrace | undefined>;
  stop(): Promise<void>;
}

/** The Jaeger binary, built on first use (minutes: `make test` builds it before the tests run). */
const jaegerBinary = (): string => execFileSync(join(root, 'scripts/jaeger.sh'), ['path'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();

/** Jaeger on free ports (freePort's: below the kernel's ephemeral range, so no outbound connection takes them first). */
export async function startJaeger(): Promise<RunningJaeger> {
  const binary = jaegerBinary();
  const ports = { otlp: await freePort(), query: await freePort(), grpc: await freePort() };
  const dir = mkdtempSync(join(tmpdir(), 'chirp-jaeger-'));
  const config = {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
      telemetry: { metrics: { level: 'none' }, logs: { level: 'warn' } },
    },
    extensions: {
      jaeger_storage: { backends: { memstore: { memory: { max_traces: 10000 } } } },
      jaeger_query: { storage: { traces: 'memstore' }, http: { endpoint: `127.0.0.1:${ports.query}` }, grpc: { endpoint: `127.0.0.1:${ports.grpc}` } },
    },
    receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${ports.otlp}` } } } },
    processors: { batch: { timeout: '200ms' } },
    exporters: { jaeger_storage_exporter: { trace_storage: 'memstore' } },
  };
  writeFileSync(join(dir, 'jaeger.yaml'), JSON.stringify(config));
  const queryUrl = `http://127.0.0.1:${ports.query}`;
  const { stop } = await startServerProcess({
    name: 'jaeger',
    command: binary,
    args: ['--config', `file:${join(dir, 'jaeger.yaml')}`],
    dir,
    readyUrl: `${queryUrl}/api/services`,
    timeoutMs: 60_000,
    pollMs: 250,
  });
  return {
    otlpEndpoint: `http://127.0.0.1:${ports.otlp}`,
    queryUrl,
    async trace(traceId) {
      const response = await fetch(`${queryUrl}/api/traces/${traceId}`);
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`jaeger answered ${response.status} for trace ${traceId}: ${await response.text()}`);
      const body = (await response.json()) as { data?: JaegerTrace[] };
      return body.data?.[0];
    },
    stop,
  };
}
