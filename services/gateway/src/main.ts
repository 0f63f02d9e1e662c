// Composition root: config → clients → app → listen.
import { runHttpService } from '@chirp/common/http';
import { Redis } from 'ioredis';
import { buildApp } from './app.ts';
import { loadGatewayConfig } from './infrastructure/config.ts';

const config = loadGatewayConfig(process.env);
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
const app = buildApp({ config, readiness: { redis: () => redis.ping() } });
redis.on('error', (error) => app.log.warn({ err: error }, 'redis connection error; check REDIS_URL and the server'));

await runHttpService(app, {
  host: config.HOST,
  port: config.PORT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  resources: [{ name: 'redis', close: () => redis.quit() }],
});
