// Composition root: config → clients → app → listen.
import { runHttpService } from '@chirp/common/http';
import cassandra from 'cassandra-driver';
import { Redis } from 'ioredis';
import { buildApp } from './app.ts';
import { loadTimelineConfig } from './infrastructure/config.ts';

const config = loadTimelineConfig(process.env);
const cql = new cassandra.Client({ contactPoints: config.CASSANDRA_CONTACT_POINTS.split(','), localDataCenter: config.CASSANDRA_LOCAL_DC });
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
const app = buildApp({
  config,
  readiness: { cassandra: () => cql.execute('SELECT release_version FROM system.local'), redis: () => redis.ping() },
});
redis.on('error', (error) => app.log.warn({ err: error }, 'redis connection error; check REDIS_URL and the server'));

await runHttpService(app, {
  host: config.HOST,
  port: config.PORT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  resources: [
    { name: 'cassandra', close: () => cql.shutdown() },
    { name: 'redis', close: () => redis.quit() },
  ],
});
