// Composition root: config → clients → app → listen.
import { runHttpService } from '@chirp/common/http';
import pg from 'pg';
import { buildApp } from './app.ts';
import { loadUserConfig } from './infrastructure/config.ts';

const config = loadUserConfig(process.env);
const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE });
const app = buildApp({ config, readiness: { postgres: () => pool.query('SELECT 1') } });
pool.on('error', (error) => app.log.error({ err: error }, 'idle postgres connection failed; check DATABASE_URL and the server'));

await runHttpService(app, {
  host: config.HOST,
  port: config.PORT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  resources: [{ name: 'postgres pool', close: () => pool.end() }],
});
