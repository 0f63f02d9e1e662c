// Composition root: config → clients → app → listen.
import { postgresDependency, readinessOf } from '@chirp/common/dependencies';
import { runHttpService } from '@chirp/common/http';
import pg from 'pg';
import { buildApp } from './app.ts';
import { loadUserConfig } from './infrastructure/config.ts';

const config = loadUserConfig(process.env);
const dependencies = [postgresDependency(new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE }))];
const app = buildApp({ config, readiness: readinessOf(dependencies) });

await runHttpService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS, resources: dependencies });
