// The machine's own limits, to read Chirp's figures against: a bare Fastify hello-world, and a
// Fastify that forwards each request one hop to it over a keep-alive pool (what the gateway
// does before any work of its own). Run as its own process:
//   node baseline-server.ts hello <port>
//   node baseline-server.ts proxy <port> <upstream origin>
import Fastify from 'fastify';
import { Pool } from 'undici';

const [mode, port, upstream] = process.argv.slice(2);
const app = Fastify({ logger: false });

if (mode === 'hello') {
  app.get('/', async () => ({ hello: 'world' }));
} else if (mode === 'proxy' && upstream) {
  const pool = new Pool(upstream, { connections: 64 });
  app.get('/', async (_request, reply) => {
    const answer = await pool.request({ method: 'GET', path: '/' });
    const body = await answer.body.text();
    return reply.code(answer.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  });
  app.addHook('onClose', () => pool.close());
} else {
  process.stderr.write('usage: baseline-server.ts hello <port> | proxy <port> <upstream origin>\n');
  process.exit(2);
}

process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
await app.listen({ host: '127.0.0.1', port: Number(port) });
process.stdout.write('ready\n');
