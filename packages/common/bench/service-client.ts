// CPU per call of the service client as shipped (createServiceClient: undici, the attempt's
// deadline, retries and the breaker), against a downstream in a child process that answers a
// page of ten tweets. Each round makes its calls (8 in flight), then waits past the client's
// timeout before reading the counters, so work that a call leaves to happen later (a deadline
// timer firing) is charged to the round that caused it.
//   node packages/common/bench/service-client.ts [--calls 4000] [--rounds 7] [--timeout-ms 2000]
// Before and after a change to the client: run this file on a checkout of each, alternately.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { median, ownCpuMs, processCpuMs } from '@chirp/testing/cpu-counters';
import { createServiceClient } from '../src/service-client.ts';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '4000' }, rounds: { type: 'string', default: '7' }, 'timeout-ms': { type: 'string', default: '2000' } },
});
const [calls, rounds, timeoutMs] = [Number(values.calls), Number(values.rounds), Number(values['timeout-ms'])];
const IN_FLIGHT = 8;

// The downstream: a bare Fastify server answering every GET with the same page, in a process of its own.
const downstreamSource = `
  import Fastify from 'fastify';
  const page = { data: Array.from({ length: 10 }, (_, i) => ({ id: String(9000 + i), authorId: '7', text: 'x'.repeat(140), createdAt: new Date(0).toISOString(), likeCount: i, replyCount: 0, likedByMe: false })), nextCursor: 'abc' };
  const app = Fastify();
  app.get('/*', async () => page);
  await app.listen({ host: '127.0.0.1', port: 0 });
  console.log(app.server.address().port);
`;
const downstream = spawn(process.execPath, ['--input-type=module', '-e', downstreamSource], { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'inherit'] });
const [portLine] = (await once(downstream.stdout, 'data')) as [Buffer];
const client = createServiceClient({ name: 'bench', baseUrl: `http://127.0.0.1:${String(portLine).trim()}`, timeoutMs });

async function callMany(count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const response = await client.request({ method: 'GET', path: '/v1/users/7/home', query: { limit: 10, viewerId: '7' }, requestId: 'bench' });
      if (response.status !== 200) throw new Error(`the downstream answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

const settle = () => new Promise((resolve) => setTimeout(resolve, timeoutMs + 200));
await callMany(3 * calls); // JIT (the first rounds of a fresh process run ~2x dearer), connections
await settle();
const clientCosts: number[] = [];
const server: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  const [own0, server0] = [ownCpuMs(), processCpuMs(downstream.pid!)];
  await callMany(calls);
  await settle();
  clientCosts.push(((ownCpuMs() - own0) / calls) * 1000);
  server.push(((processCpuMs(downstream.pid!) - server0) / calls) * 1000);
}
console.log(
  `service client: ${median(clientCosts).toFixed(1)} µs CPU per call (rounds: ${clientCosts.map((v) => v.toFixed(1)).join(', ')}); ` +
    `downstream ${median(server).toFixed(1)} µs (median of ${rounds} rounds of ${calls}, ${IN_FLIGHT} in flight, each round waiting ${timeoutMs + 200} ms after its calls)`,
);
await client.close();
downstream.kill();
