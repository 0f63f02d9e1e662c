// CPU per request of a Chirp HTTP service at LOG_LEVEL=info, its access line written at once
// (one write(2) per line) or gathered (LOG_BUFFER_BYTES), interleaved in one process.
//   node packages/common/bench/log-writes.ts [--requests 4000] [--rounds 9] > /tmp/log-writes.log
// Standard output must be a file or a pipe (as in production): the log goes there, the figures to stderr.
import { parseArgs } from 'node:util';
import { createHttpService } from '../src/http-service.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '4000' }, rounds: { type: 'string', default: '9' }, buffer: { type: 'string', default: '8192' } } });
const [requests, rounds] = [Number(values.requests), Number(values.rounds)];
if (process.stdout.isTTY) throw new Error('redirect standard output to a file: the log goes there');

const appWith = async (logBufferBytes: number) => {
  const app = createHttpService({ service: 'bench', logLevel: 'info', logBufferBytes, bodyLimitBytes: 16 * 1024 });
  app.get('/v1/things/:id', async (request) => ({ id: (request.params as { id: string }).id, ok: true }));
  await app.ready();
  return app;
};
const variants = { 'line by line': await appWith(0), [`buffered ${values.buffer} B`]: await appWith(Number(values.buffer)) };
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const results = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < rounds; round += 1) {
  for (const [name, app] of Object.entries(variants)) {
    const before = cpuMs();
    for (let i = 0; i < requests; i += 1) await app.inject({ method: 'GET', url: `/v1/things/${i}` });
    results.get(name)!.push((cpuMs() - before) / requests);
  }
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
for (const [name, perRequest] of results) process.stderr.write(`${name}: ${(median(perRequest) * 1000).toFixed(1)} µs CPU per request (median of ${rounds} rounds of ${requests})\n`);
await Promise.all(Object.values(variants).map((app) => app.close()));
