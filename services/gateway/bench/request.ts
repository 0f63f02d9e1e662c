// What the gateway's own work costs per request, its downstreams answering at once: the route,
// authentication (an RS256 access token), the rate limit (in process here), security and CORS
// headers, the answer's schema and serialisation, metrics. A home read returning ten tweets,
// through app.inject (no socket: what the network costs is the same for any gateway code).
//   node services/gateway/bench/request.ts [--calls 20000] [--rounds 7]
// CPU of this process per request (process.cpuUsage), median of the rounds. Logging is off (the
// test harness's setting), so this is the gateway's code without its access line.
import { parseArgs } from 'node:util';
import { median, ownCpuMs } from '@chirp/testing/cpu-counters';
import { aTweet } from '../test/fakes/builders.ts';
import { aGateway, bearer } from '../test/http/gateway-harness.ts';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '7' } } });
const [calls, rounds] = [Number(values.calls), Number(values.rounds)];
const page = { data: Array.from({ length: 10 }, (_, i) => aTweet({ id: String(9000 + i) })), nextCursor: null };
// Budgets no benchmark round spends: every request is allowed, as most are.
const { app, calls: recorded } = await aGateway({ answers: { 'timelines.readHome': () => page }, rateLimits: { authenticated: 1e9 } });
const headers = bearer();

async function readHome(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const response = await app.inject({ method: 'GET', url: '/v1/timelines/home?limit=10', headers });
    if (response.statusCode !== 200) throw new Error(`the home read answered ${response.statusCode}: ${response.body}`);
    recorded.length = 0; // the harness records every downstream call; kept, they would make each round dearer than the last
    // Let the event loop turn, as a server's does between socket reads: inject's streams finish
    // in setImmediate callbacks, which a loop of awaits alone never reaches (they piled up).
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
}

await readHome(calls); // JIT
const costs: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  const cpu0 = ownCpuMs();
  await readHome(calls);
  costs.push(((ownCpuMs() - cpu0) / calls) * 1000);
}
console.log(`gateway, a home read of ten tweets: ${median(costs).toFixed(1)} µs CPU per request (rounds: ${costs.map((c) => c.toFixed(1)).join(', ')}; median of ${rounds} rounds of ${calls})`);
await app.close();
