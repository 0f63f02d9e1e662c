// A load balancer for the test platform's replicas, behaving as an L7 balancer over Kubernetes
// endpoints does: each request goes to the next replica in rotation; a replica joins the
// rotation when its /readyz answers 200 and leaves it after 3 checks in a row that did not
// (checked every `readinessIntervalMs`, as a readiness probe's failureThreshold); and a request
// is never retried: a replica that fails a request fails the client's request. When no replica
// is in rotation, requests go to those that answer but are not ready (a dependency check too
// slow on a busy machine), never to one draining or unreachable: the panic mode of Envoy.
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobin {
  url: string;
  /** The replicas now in rotation. */
  ready(): string[];
  close(): Promise<void>;
}

export interface RoundRobinOptions {
  port: number;
  /** Replica base URLs (`http://127.0.0.1:port`). */
  backends: readonly string[];
  readinessIntervalMs?: number;
}

// Per hop, never forwarded (RFC 9110 §7.6.1): a draining replica's `connection: close` ends its own socket to us.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);
const endToEnd = (headers: IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
const FAILURE_THRESHOLD = 3;

interface BackendState {
  inRotation: boolean;
  failures: number;
  /** What its last check saw. */
  last: 'ready' | 'unready' | 'draining' | 'unreachable';
}

export async function startRoundRobin(options: RoundRobinOptions): Promise<RoundRobin> {
  const interval = options.readinessIntervalMs ?? 200;
  const agent = new Agent({ keepAlive: true });
  const states = new Map<string, BackendState>(options.backends.map((backend) => [backend, { inRotation: false, failures: 0, last: 'unreachable' }]));
  let next = 0;

  const check = async (backend: string) => {
    const state = states.get(backend)!;
    try {
      const response = await fetch(`${backend}/readyz`, { signal: AbortSignal.timeout(1000) });
      const body = await response.text();
      state.last = response.ok ? 'ready' : body.includes('"SHUTTING_DOWN"') ? 'draining' : 'unready';
    } catch {
      state.last = 'unreachable';
    }
    state.failures = state.last === 'ready' ? 0 : state.failures + 1;
    if (state.last === 'ready') state.inRotation = true;
    else if (state.failures >= FAILURE_THRESHOLD) state.inRotation = false;
  };
  const pick = (): string[] => {
    const rotation = options.backends.filter((backend) => states.get(backend)!.inRotation);
    return rotation.length > 0 ? rotation : options.backends.filter((backend) => states.get(backend)!.last === 'unready');
  };
  let closed = false;
  const probe = async () => {
    while (!closed) {
      await Promise.all(options.backends.map(check));
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  };
  await Promise.all(options.backends.map(check));
  const probing = probe();

  const server = createServer((request, response) => {
    const ready = pick();
    if (ready.length === 0) {
      response.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
      response.end(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, code: 'NO_READY_REPLICA', detail: 'No replica is ready.' }));
      return;
    }
    const target = new URL(request.url ?? '/', ready[next++ % ready.length]);
    const upstream = httpRequest(target, { method: request.method, headers: endToEnd(request.headers), agent }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(response);
    });
    upstream.on('error', (error) => {
      if (response.headersSent) {
        response.destroy(error);
        return;
      }
      response.writeHead(502, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ type: 'about:blank', title: 'Bad Gateway', status: 502, code: 'REPLICA_FAILED', detail: `${target.origin}: ${error.message}` }));
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ready: () => options.backends.filter((backend) => states.get(backend)!.inRotation),
    async close() {
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await probing;
      agent.destroy();
    },
  };
}
