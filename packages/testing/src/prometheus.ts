// A real Prometheus (Debian's `prometheus` package, installed by scripts/system-deps.sh) scraping
// the given targets every second with the given rule file, in a temporary folder, for tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from './server-process.ts';

export interface PrometheusOptions {
  /** Scrape targets (`host:port`) by job name. */
  jobs: Record<string, string[]>;
  /** A plain Prometheus rule file's text (`groups:`), loaded as the server's rules. */
  rules?: string;
  /** Ports to try in order (the first free one is used). */
  ports: readonly number[];
}

export interface QueryResult {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value?: [number, string] }> };
}

export interface RunningPrometheus {
  url: string;
  /** An instant query through the HTTP API; the answer as Prometheus gives it (parse errors included). */
  query(expr: string): Promise<QueryResult>;
  /** Metric names Prometheus has samples of, and those any target described (# HELP/# TYPE) even without samples. */
  metricNames(): Promise<{ sampled: Set<string>; described: Set<string> }>;
  stop(): Promise<void>;
}

const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  let port: number | undefined;
  for (const candidate of options.ports) {
    if (await isFree(candidate)) {
      port = candidate;
      break;
    }
  }
  if (port === undefined) throw new Error(`no free port for Prometheus among ${options.ports.join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'chirp-prometheus-'));
  writeFileSync(join(dir, 'rules.yaml'), options.rules ?? 'groups: []\n');
  const scrapeConfigs = Object.entries(options.jobs).map(([job, targets]) => ({ job_name: job, static_configs: [{ targets }] }));
  // JSON is YAML: the config needs no YAML writer. A scrape runs a Postgres count and SQS calls in
  // the service; 1.9 s lets it finish on a loaded machine, where a timeout would read as `up` 0.
  writeFileSync(
    join(dir, 'prometheus.yml'),
    JSON.stringify({ global: { scrape_interval: '2s', scrape_timeout: '1900ms', evaluation_interval: '1s' }, rule_files: ['rules.yaml'], scrape_configs: scrapeConfigs }),
  );
  const url = `http://127.0.0.1:${port}`;
  const { stop } = await startServerProcess({
    name: 'prometheus',
    command: 'prometheus',
    args: [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    dir,
    readyUrl: `${url}/-/ready`,
    timeoutMs: 30_000,
    pollMs: 200,
    installHint: 'install it with scripts/system-deps.sh (Debian: apt-get install prometheus)',
  });

  const api = async <T>(path: string): Promise<T> => (await (await fetch(`${url}${path}`)).json()) as T;
  return {
    url,
    query: (expr) => api<QueryResult>(`/api/v1/query?query=${encodeURIComponent(expr)}`),
    async metricNames() {
      const [names, metadata] = await Promise.all([api<{ data: string[] }>('/api/v1/label/__name__/values'), api<{ data: Record<string, Array<{ type: string }>> }>('/api/v1/metadata')]);
      const described = new Set<string>();
      for (const [name, entries] of Object.entries(metadata.data)) {
        described.add(name);
        // A histogram is described once, by its base name; its series carry these suffixes.
        if (entries.some((entry) => entry.type === 'histogram')) for (const suffix of ['_bucket', '_sum', '_count']) described.add(`${name}${suffix}`);
      }
      return { sampled: new Set(names.data), described };
    },
    stop,
  };
}
