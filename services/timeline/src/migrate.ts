// `node src/migrate.ts`: creates the keyspace and tables and exits (a Kubernetes Job or compose one-shot).
import { createLogger } from '@chirp/common/logging';
import { migrateCassandra } from './infrastructure/cassandra-schema.ts';
import { HttpServerConfig, loadConfig } from '@chirp/common/config';
import { Type } from '@sinclair/typebox';
import { CassandraConfig } from './infrastructure/config.ts';

// LOG_LEVEL through the schema too, so a bad value fails fast like any other setting.
const config = loadConfig(Type.Object({ ...CassandraConfig, LOG_LEVEL: HttpServerConfig.LOG_LEVEL }), process.env);
const log = createLogger('timeline-migrate', config.LOG_LEVEL);
try {
  await migrateCassandra(config);
  log.info({ keyspace: config.CASSANDRA_KEYSPACE }, 'timeline schema applied');
} catch (error) {
  log.fatal({ err: error, keyspace: config.CASSANDRA_KEYSPACE }, 'timeline schema failed; check CASSANDRA_CONTACT_POINTS and the statement named in the error');
  process.exitCode = 1;
}
