import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('../fixtures/draining-service.ts', import.meta.url));

interface Running {
  child: ChildProcess;
  port: number;
  /** The JSON lines the process wrote so far. */
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function startService(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [fixture], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  const lines: Array<Record<string, unknown>> = [];
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      for (const line of complete) {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        lines.push(parsed);
        if (typeof parsed.listening === 'number') resolve(parsed.listening);
      }
    });
    void exited.then((code) => reject(new Error(`the fixture exited (${code}) before listening`)));
  });
  return { child, port, lines, exited };
}

const messages = (running: Running) => running.lines.map((line) => (line.msg === 'closed' ? `closed ${String(line.resource)}` : String(line.msg)));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Each test starts a Node process, which takes seconds on a busy machine.
describe('shutdown on SIGTERM', { timeout: 30_000 }, () => {
  it('when SIGTERM arrives, then readiness is 503 and consumers stop at once, while in-flight and new requests are answered through the drain delay', async () => {
    const service = await startService({ DRAIN_DELAY_MS: '1500' });
    const base = `http://127.0.0.1:${service.port}`;
    const inFlight = fetch(`${base}/slow?ms=1000`);
    await sleep(100);

    service.child.kill('SIGTERM');
    await sleep(200);
    const readiness = await fetch(`${base}/readyz`);
    const newRequest = await fetch(`${base}/slow?ms=0`);

    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ code: 'SHUTTING_DOWN' });
    expect(newRequest.status).toBe(200);
    expect(newRequest.headers.get('connection')).toBe('close');
    expect(messages(service)).toContain('closed consumer');
    expect(messages(service)).not.toContain('closed pool');
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ done: true });

    expect(await service.exited).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    const order = messages(service);
    expect(order.indexOf('closed consumer')).toBeLessThan(order.findIndex((m) => m.startsWith('drain delay over')));
    expect(order.findIndex((m) => m.startsWith('drain delay over'))).toBeLessThan(order.indexOf('closed pool'));
    expect(order.at(-1)).toBe('shutdown complete');
  });

  it('when a request is still running as the drain delay ends, then the server waits for it before closing the pool', async () => {
    const service = await startService({ DRAIN_DELAY_MS: '200' });
    const base = `http://127.0.0.1:${service.port}`;
    const inFlight = fetch(`${base}/slow?ms=1200`);
    await sleep(100);

    service.child.kill('SIGTERM');
    const answered = await inFlight;

    expect(answered.status).toBe(200);
    expect(await service.exited).toBe(0);
    const order = messages(service);
    expect(order.findIndex((m) => m.startsWith('drain delay over'))).toBeLessThan(order.indexOf('closed pool'));
  });

  it('when a consumer fails to stop, then the drain still completes, the pool closes and the process exits 1', async () => {
    const service = await startService({ DRAIN_DELAY_MS: '0', CONSUMER_STOP: 'fail' });

    service.child.kill('SIGTERM');

    expect(await service.exited).toBe(1);
    const order = messages(service);
    expect(order).toContain('consumer did not stop cleanly; its unfinished messages return after their visibility timeout');
    expect(order).toContain('closed pool');
  });
});
