// Composition root: config → clients → app → listen.
import { cassandraDependency, readinessOf, redisDependency } from '@chirp/common/dependencies';
import { runHttpService } from '@chirp/common/http';
import cassandra from 'cassandra-driver';
import { Redis } from 'ioredis';
import { buildApp } from './app.ts';
import { loadTimelineConfig } from './infrastructure/config.ts';

const config = loadTimelineConfig(process.env);
const dependencies = [
  cassandraDependency(new cassandra.Client({ contactPoints: config.CASSANDRA_CONTACT_POINTS.split(','), localDataCenter: config.CASSANDRA_LOCAL_DC })),
  redisDependency(new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 })),
];
const app = buildApp({ config, readiness: readinessOf(dependencies) });

await runHttpService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS, resources: dependencies });
