// Composition root: config → clients → app → listen.
import { runHttpService } from '@chirp/common/http';
import { Redis } from 'ioredis';
import pg from 'pg';
import { buildApp } from './app.ts';
import { loadTweetConfig } from './infrastructure/config.ts';

const config = loadTweetConfig(process.env);
const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE });
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
const app = buildApp({
  config,
  readiness: { postgres: () => pool.query('SELECT 1'), redis: () => redis.ping() },
});
pool.on('error', (error) => app.log.error({ err: error }, 'idle postgres connection failed; check DATABASE_URL and the server'));
redis.on('error', (error) => app.log.warn({ err: error }, 'redis connection error; check REDIS_URL and the server'));

await runHttpService(app, {
  host: config.HOST,
  port: config.PORT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  resources: [
    { name: 'postgres pool', close: () => pool.end() },
    { name: 'redis', close: () => redis.quit() },
  ],
});
