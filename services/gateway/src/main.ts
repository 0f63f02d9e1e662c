// Composition root: config → clients → app → listen.
import { readinessOf, redisDependency } from '@chirp/common/dependencies';
import { runHttpService } from '@chirp/common/http';
import { Redis } from 'ioredis';
import { buildApp } from './app.ts';
import { loadGatewayConfig } from './infrastructure/config.ts';

const config = loadGatewayConfig(process.env);
const dependencies = [redisDependency(new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 }))];
const app = buildApp({ config, readiness: readinessOf(dependencies) });

await runHttpService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS, resources: dependencies });
