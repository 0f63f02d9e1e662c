import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RoundRobin, startRoundRobin } from '../../src/round-robin.ts';

/** A replica stand-in: answers its name, and /readyz as `readiness` says; `broken` resets every request. */
async function aReplica(name: string) {
  const state = { readiness: 200 as 200 | 503, broken: false, served: 0 };
  const server: Server = createServer((request, response) => {
    if (request.url === '/readyz') {
      response.writeHead(state.readiness, { 'content-type': 'application/json' });
      response.end(JSON.stringify(state.readiness === 200 ? { status: 'ok' } : { code: 'SHUTTING_DOWN' }));
      return;
    }
    if (state.broken) {
      request.socket.destroy();
      return;
    }
    state.served += 1;
    response.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    response.end(JSON.stringify({ name }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state, close: () => new Promise((resolve) => server.close(resolve)) };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function aBalancer(): Promise<{ balancer: RoundRobin; a: Awaited<ReturnType<typeof aReplica>>; b: Awaited<ReturnType<typeof aReplica>> }> {
  const a = await aReplica('a');
  const b = await aReplica('b');
  const balancer = await startRoundRobin({ port: 0, backends: [a.url, b.url], readinessIntervalMs: 20 });
  cleanups.push(a.close, b.close, () => balancer.close());
  return { balancer, a, b };
}
const nameVia = async (balancer: RoundRobin) => {
  const response = await fetch(`${balancer.url}/anything`);
  return { status: response.status, body: (await response.json()) as { name?: string; code?: string } };
};

describe('the round-robin balancer of the test platform', () => {
  it('when both replicas are ready, then requests alternate between them', async () => {
    const { balancer } = await aBalancer();

    const names = [];
    for (let i = 0; i < 4; i++) names.push((await nameVia(balancer)).body.name);

    expect(names.sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('when a replica starts draining, then after three failed checks it gets no more requests', async () => {
    const { balancer, a, b } = await aBalancer();

    a.state.readiness = 503;
    // Three check rounds of two fetches each: waited for, not slept on (a loaded machine is slower).
    await vi.waitFor(() => expect(balancer.ready()).toEqual([b.url]), { timeout: 5000, interval: 20 });
    const servedBefore = a.state.served;
    for (let i = 0; i < 4; i++) expect((await nameVia(balancer)).body.name).toBe('b');

    expect(a.state.served).toBe(servedBefore);
    expect(balancer.ready()).toEqual([b.url]);
  });

  it('when a replica fails a request, then the client gets 502 and the request is not retried elsewhere', async () => {
    const { balancer, a, b } = await aBalancer();
    a.state.broken = true;

    const answers = [await nameVia(balancer), await nameVia(balancer)];

    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 502]);
    expect(answers.find((answer) => answer.status === 502)?.body.code).toBe('REPLICA_FAILED');
    expect(b.state.served).toBe(1);
  });

  it('when no replica is ready, then 503 NO_READY_REPLICA', async () => {
    const { balancer, a, b } = await aBalancer();

    a.state.readiness = 503;
    b.state.readiness = 503;
    await vi.waitFor(() => expect(balancer.ready()).toEqual([]), { timeout: 5000, interval: 20 });

    expect(await nameVia(balancer)).toMatchObject({ status: 503, body: { code: 'NO_READY_REPLICA' } });
  });
});
