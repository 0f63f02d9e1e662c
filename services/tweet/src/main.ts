// Composition root: config → clients → app → listen.
import { postgresDependency, readinessOf, redisDependency } from '@chirp/common/dependencies';
import { runHttpService } from '@chirp/common/http';
import { Redis } from 'ioredis';
import pg from 'pg';
import { buildApp } from './app.ts';
import { loadTweetConfig } from './infrastructure/config.ts';

const config = loadTweetConfig(process.env);
const dependencies = [
  postgresDependency(new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE })),
  redisDependency(new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 })),
];
const app = buildApp({ config, readiness: readinessOf(dependencies) });

await runHttpService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS, resources: dependencies });
